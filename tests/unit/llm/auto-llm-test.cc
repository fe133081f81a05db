// The server's Llm: configured endpoints, a discovered one, the labelled echo
// fallback or a 503, and the model a client picks.
#include "llm/auto-llm.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "llm/echo-llm.h"

namespace mv {
namespace {

using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;

const std::string kPrefix = "No language model is connected, so I will repeat what I heard: ";

bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string Root(const FakeLlmServer& f) { return "http://127.0.0.1:" + std::to_string(f.port()); }

std::string DeadUrl() {
  FakeLlmServer gone;
  return gone.base_url();
}

LlmConfig NoDiscovery() {
  LlmConfig c;
  c.discover = false;
  return c;
}

struct ChatRun {
  LlmResult result;
  std::string streamed;
  int deltas = 0;
};

ChatRun Ask(Llm& llm, const std::string& text, ChatOptions options = {}, CancelToken cancel = {}) {
  ChatRun run;
  run.result =
      llm.Chat({{"user", "earlier question"}, {"assistant", "earlier answer"}, {"user", text}},
               options, cancel, [&](std::string_view d) {
                 run.streamed += d;
                 ++run.deltas;
               });
  return run;
}

TEST(AutoLlmTest, ConfigNamesBadDiscoveryAndFallbackKeys) {
  auto message = [](LlmConfig c) {
    try {
      c.Validate();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("valid");
  };
  LlmConfig c;
  EXPECT_EQ(message(c), "valid");
  EXPECT_EQ(c.EffectiveFallback(), "echo");  // nothing configured: echo
  c.fallback = "maybe";
  EXPECT_NE(message(c).find("llm.fallback: must be auto, echo or error, got 'maybe'"),
            std::string::npos)
      << message(c);
  c = LlmConfig();
  c.discover_interval_ms = 10;
  EXPECT_NE(message(c).find("llm.discover_interval_ms"), std::string::npos) << message(c);
  c = LlmConfig();
  c.discover_urls = {"127.0.0.1:11434"};
  EXPECT_NE(message(c).find("llm.discover_urls[0]"), std::string::npos) << message(c);
  c = LlmConfig();
  c.fallback = "echo";
  c.endpoints = {{"http://127.0.0.1:1/v1", "", ""}};
  EXPECT_EQ(c.EffectiveFallback(), "echo");  // explicit wins
}

TEST(AutoLlmTest, WithNoModelTheReplyIsALabelledEcho) {
  AutoLlm llm(NoDiscovery());
  ChatRun run = Ask(llm, "  turn on the kitchen lights ");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.streamed, kPrefix + "turn on the kitchen lights");
  EXPECT_EQ(run.result.text, run.streamed);
  EXPECT_EQ(run.deltas, 2);  // the label, then what was heard
  EXPECT_EQ(run.result.model, "echo");
  EXPECT_EQ(EchoLlm::Reply({}), kPrefix + "nothing yet.");
  LlmStatus s = llm.Status();
  EXPECT_EQ(s.mode, "echo");
  EXPECT_EQ(s.fallback, "echo");
  EXPECT_NE(s.reason.find("llm.discover is off"), std::string::npos) << s.reason;
  EXPECT_NE(s.fix.find("llm.endpoints"), std::string::npos) << s.fix;
}

TEST(AutoLlmTest, EchoHonoursACancelledCall) {
  AutoLlm llm(NoDiscovery());
  CancelToken cancel;
  cancel.Cancel();
  ChatRun run = Ask(llm, "hello", {}, cancel);
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->kind(), ErrorKind::kCancelled);
  EXPECT_EQ(run.streamed, "");
}

TEST(AutoLlmTest, FallbackErrorAnswers503NoLlmEndpoint) {
  LlmConfig c = NoDiscovery();
  c.fallback = "error";
  AutoLlm llm(c);
  ChatRun run = Ask(llm, "hello");
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->code(), "no_llm_endpoint");
  EXPECT_EQ(run.result.error->kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(llm.Status().mode, "none");
}

TEST(AutoLlmTest, ConfiguredEndpointsThatFailAreAnErrorByDefault) {
  LlmConfig c = NoDiscovery();
  c.endpoints = {{DeadUrl(), "", "m"}};
  EXPECT_EQ(c.EffectiveFallback(), "error");
  AutoLlm llm(c);
  ChatRun run = Ask(llm, "hello");
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->code(), "llm_failed");
  EXPECT_EQ(llm.Status().mode, "configured");
  EXPECT_FALSE(llm.Status().last_error.empty());
}

TEST(AutoLlmTest, FallbackEchoTakesOverFromFailedEndpoints) {
  LlmConfig c = NoDiscovery();
  c.endpoints = {{DeadUrl(), "", "m"}};
  c.fallback = "echo";
  AutoLlm llm(c);
  ChatRun run = Ask(llm, "are you there");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.streamed, kPrefix + "are you there");
  EXPECT_NE(llm.Status().last_error.find("LLM endpoint failed"), std::string::npos)
      << llm.Status().last_error;
}

TEST(AutoLlmTest, ADiscoveredServerAnswersWithItsFirstChatModel) {
  FakeLlmOptions o;
  o.ollama_models = {{"nomic-embed-text:latest", "nomic-bert"},
                     {"llama3.2:latest", "llama"},
                     {"qwen2.5:7b", "qwen2"}};
  o.default_reply = "Hello from Ollama.";
  FakeLlmServer ollama(o);
  LlmConfig c;
  c.discover_urls = {Root(ollama)};
  AutoLlm llm(c);
  ASSERT_TRUE(WaitFor([&] { return llm.Status().mode == "discovered"; })) << llm.Status().reason;
  LlmStatus s = llm.Status();
  EXPECT_EQ(s.server, "Ollama");
  EXPECT_EQ(s.url, ollama.base_url());
  EXPECT_EQ(s.model, "llama3.2:latest");
  EXPECT_EQ(s.models, (std::vector<std::string>{"llama3.2:latest", "qwen2.5:7b"}));
  ChatRun run = Ask(llm, "hi");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.streamed, "Hello from Ollama.");
  EXPECT_EQ(ollama.requests().back().body["model"], "llama3.2:latest");
  // A client may pick another of its chat models, not a model it lacks.
  ChatOptions pick;
  pick.model = "qwen2.5:7b";
  ASSERT_TRUE(Ask(llm, "hi", pick).result.ok());
  EXPECT_EQ(ollama.requests().back().body["model"], "qwen2.5:7b");
  pick.model = "nomic-embed-text:latest";
  ASSERT_TRUE(Ask(llm, "hi", pick).result.ok());
  EXPECT_EQ(ollama.requests().back().body["model"], "llama3.2:latest");
}

TEST(AutoLlmTest, BeforeAnythingIsFoundAndAfterItGoesTheReplyIsEcho) {
  FakeLlmServer server;
  server.Refuse();
  LlmConfig c;
  c.discover_urls = {Root(server)};
  c.discover_interval_ms = 1000;
  AutoLlm llm(c);
  ASSERT_TRUE(WaitFor([&] { return llm.discovery()->State().rounds >= 1; }));
  EXPECT_EQ(llm.Status().mode, "echo");
  EXPECT_NE(llm.Status().reason.find("nothing listening"), std::string::npos);
  EXPECT_EQ(Ask(llm, "one").streamed, kPrefix + "one");
  server.Resume();
  ASSERT_TRUE(WaitFor([&] { return llm.Status().mode == "discovered"; }));
  EXPECT_EQ(Ask(llm, "two").streamed, "Hello! I am a fake language model.");
  // It goes away between rounds: the failed call is answered by echo.
  server.Refuse();
  ChatRun run = Ask(llm, "three");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.streamed, kPrefix + "three");
  ASSERT_TRUE(WaitFor([&] { return llm.Status().mode == "echo"; }));
}

TEST(AutoLlmTest, TheModelPicksAmongConfiguredEndpoints) {
  FakeLlmServer alpha, beta;
  LlmConfig c = NoDiscovery();
  c.endpoints = {{alpha.base_url(), "", "alpha"}, {beta.base_url(), "", "beta"}};
  AutoLlm llm(c);
  EXPECT_EQ(llm.Status().models, (std::vector<std::string>{"alpha", "beta"}));
  ChatOptions pick;
  pick.model = "beta";
  ASSERT_TRUE(Ask(llm, "hi", pick).result.ok());
  EXPECT_EQ(alpha.chat_requests(), 0);
  EXPECT_EQ(beta.chat_requests(), 1);
  ASSERT_TRUE(Ask(llm, "hi").result.ok());  // the default: the first endpoint
  EXPECT_EQ(alpha.chat_requests(), 1);
  pick.model = "gpt-realtime";  // not offered: the default
  ASSERT_TRUE(Ask(llm, "hi", pick).result.ok());
  EXPECT_EQ(alpha.chat_requests(), 2);
}

}  // namespace
}  // namespace mv
