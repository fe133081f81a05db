// Out of the box, against the real binary: with no llm.endpoints it finds
// the LLM double on a usual local port (Ollama's when free) and answers with
// its first chat model; with none to find it holds the conversation in the
// labelled echo mode on every transport and says why on /healthz.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;

const std::string kPrefix = "No language model is connected, so I will repeat what I heard: ";

std::string ChatBody(const std::string& user) {
  return json{{"msg", {{{"role", "user"}, {"content", user}}}}}.dump();
}

json Health(int port) { return json::parse(mvtest::HttpGet(port, "/healthz").body); }

// Polls /healthz until llm.mode is `mode` (60 s at most; a round takes ms).
json WaitForMode(int port, const std::string& mode) {
  json h;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    h = Health(port);
    if (h["llm"]["mode"] == mode) return h;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return h;
}

std::string WholeReply(const mvtest::HttpResult& r) {
  auto events = mvtest::SseData(r.body);
  if (events.empty()) return "<no events: " + r.body + ">";
  return json::parse(events.back()).value("message", "<no message>");
}

// The double on the first free usual port (Ollama, LM Studio, llama.cpp /
// LocalAI, vLLM); another machine's servers may hold some of them.
std::unique_ptr<FakeLlmServer> OnAUsualPort(FakeLlmOptions o) {
  for (int port : {11434, 1234, 8080, 8000}) {
    o.port = port;
    try {
      return std::make_unique<FakeLlmServer>(o);
    } catch (const std::exception&) {
    }
  }
  return nullptr;
}

TEST(LlmDiscoveryIntegrationTest, FindsALocalServerOnItsUsualPort) {
  FakeLlmOptions o;
  o.ollama_models = {{"nomic-embed-text:latest", "nomic-bert"}, {"llama3.2:latest", "llama"}};
  o.default_reply = "Hello, I am the discovered model.";
  auto llm = OnAUsualPort(o);
  if (!llm) GTEST_SKIP() << "ports 11434, 1234, 8080 and 8000 are all busy on this machine";
  std::map<std::string, std::string> env = {{"MIRRORVOX_LLM__DISCOVER", "true"}};
  // Ollama's port comes first in the default list; on another one, only that
  // one is probed, so a server this test did not start cannot answer first.
  if (llm->port() != 11434)
    env["MIRRORVOX_LLM__DISCOVER_URLS"] = "http://127.0.0.1:" + std::to_string(llm->port());
  mvtest::ServerProcess server({}, env);
  ASSERT_TRUE(server.ok()) << server.Log();
  json h = WaitForMode(server.port(), "discovered");
  ASSERT_EQ(h["llm"]["mode"], "discovered") << h.dump() << server.Log();
  EXPECT_EQ(h["llm"]["server"], "Ollama");
  EXPECT_EQ(h["llm"]["url"], llm->base_url());
  EXPECT_EQ(h["llm"]["model"], "llama3.2:latest");
  EXPECT_EQ(h["llm"]["models"], json::array({"llama3.2:latest"}));
  auto r = mvtest::HttpPostJson(server.port(), "/api/chat", ChatBody("hello"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(WholeReply(r), o.default_reply);
  EXPECT_EQ(llm->requests().back().body["model"], "llama3.2:latest");
  EXPECT_NE(
      server.Log().find("LLM discovered: Ollama at " + llm->base_url() + ", model llama3.2:latest"),
      std::string::npos)
      << server.Log();
}

class EchoModeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    auto r = mvtest::RunCommand({MV_BINARY, "say", "please turn on the lights in the kitchen",
                                 "--voice", "rms", "-o", *dir_ + "/q.wav"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string dead;
    {
      FakeLlmServer gone;  // a port nobody listens on once it is gone
      dead = "http://127.0.0.1:" + std::to_string(gone.port());
    }
    dead_ = new std::string(dead);
    server_ = new mvtest::ServerProcess(
        {}, {{"MIRRORVOX_LLM__DISCOVER", "true"}, {"MIRRORVOX_LLM__DISCOVER_URLS", dead}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete dead_;
  }
  static int Port() { return server_->port(); }
  static std::string* dir_;
  static std::string* dead_;
  static mvtest::ServerProcess* server_;
};
std::string* EchoModeTest::dir_ = nullptr;
std::string* EchoModeTest::dead_ = nullptr;
mvtest::ServerProcess* EchoModeTest::server_ = nullptr;

TEST_F(EchoModeTest, HealthzSaysWhyAndWhatToChange) {
  json h = Health(Port());
  // After the first round the reason names the address that was tried.
  for (int i = 0;
       i < 1200 && h["llm"].value("reason", "").find("nothing listening") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    h = Health(Port());
  }
  EXPECT_EQ(h["llm"]["mode"], "echo") << h.dump();
  EXPECT_EQ(h["llm"]["fallback"], "echo");
  EXPECT_EQ(h["llm"]["discover"], true);
  EXPECT_NE(h["llm"]["reason"].get<std::string>().find(*dead_ + " (nothing listening)"),
            std::string::npos)
      << h.dump();
  EXPECT_NE(h["llm"]["fix"].get<std::string>().find("llm.endpoints"), std::string::npos);
  EXPECT_NE(server_->Log().find("LLM discovery: no OpenAI-compatible server answered"),
            std::string::npos)
      << server_->Log();
}

TEST_F(EchoModeTest, ChatRepeatsWhatItHeardAndSaysWhy) {
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("turn on the kitchen lights"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(WholeReply(r), kPrefix + "turn on the kitchen lights");
  auto events = mvtest::SseData(r.body);
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(json::parse(events[0])["file"].is_string());  // spoken, not only written
}

TEST_F(EchoModeTest, ProcessAudioSpeaksTheLabelledEcho) {
  // The spoken question comes back spoken: the label, then the question.
  auto r = mvtest::HttpPostMultipart(
      Port(), "/process_audio",
      {{"audio", mvtest::ReadFile(*dir_ + "/q.wav"), "q.wav", "audio/wav"},
       {"language", "english", "", ""}});
  ASSERT_EQ(r.status, 200) << r.body;
  mvtest::WriteFile(*dir_ + "/a.wav", r.body);
  auto t = mvtest::RunCommand({MV_BINARY, "transcribe", *dir_ + "/a.wav"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  // pocketsphinx on the caller's voice: most words, not all.
  const std::string said =
      "no language model is connected so i will repeat what i heard please turn on the lights "
      "in the kitchen";
  EXPECT_LE(mv::WordErrorRate(said, t.out), 0.5) << t.out;
}

}  // namespace
