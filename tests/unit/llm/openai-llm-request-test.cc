// What the "openai" engine sends for the original chat server's users
// (LLM.extra_config verbatim, no sampling defaults of its own, the client's
// own system message as sent) and that <think> blocks in content never
// reach the listener or the result, however the chunks cut the tags.
#include <gtest/gtest.h>

#include "fakes/fake-llm-server.h"
#include "llm/llm.h"

namespace mv {
namespace {

using mvtest::FakeLlmFault;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;
using nlohmann::json;

LlmConfig Config(const FakeLlmServer& fake) {
  LlmConfig c;
  c.endpoints.push_back({fake.base_url(), "", "qwen3:8b"});
  c.first_token_timeout_ms = 10000;
  return c;
}

struct Outcome {
  LlmResult result;
  std::string heard;
};

Outcome Chat(Llm& llm, std::vector<ChatMessage> messages) {
  Outcome run;
  run.result = llm.Chat(std::move(messages), {}, {}, [&](std::string_view d) { run.heard += d; });
  return run;
}

TEST(OpenAiLlmRequestTest, ExtraBodyGoesVerbatimAndNoSamplingDefaultsAreSent) {
  FakeLlmServer fake;
  LlmConfig c = Config(fake);
  c.extra_body = {{"top_p", 0.9}, {"enable_thinking", false}, {"thinking", {{"type", "disabled"}}}};
  auto llm = Llm::Create("openai", c);
  ASSERT_TRUE(Chat(*llm, {{"user", "hi"}}).result.ok());
  const json body = fake.requests().back().body;
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["enable_thinking"], false);
  EXPECT_EQ(body["thinking"], json({{"type", "disabled"}}));
  EXPECT_FALSE(body.contains("temperature")) << body.dump();
  EXPECT_FALSE(body.contains("max_tokens")) << body.dump();
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["model"], "qwen3:8b");

  // Configured ones are sent, and win over the same key in extra_body.
  c.temperature = 0.3;
  c.max_tokens = 64;
  c.extra_body["temperature"] = 1.9;
  auto tuned = Llm::Create("openai", c);
  ASSERT_TRUE(Chat(*tuned, {{"user", "hi"}}).result.ok());
  EXPECT_EQ(fake.requests().back().body["temperature"], 0.3);
  EXPECT_EQ(fake.requests().back().body["max_tokens"], 64);
}

TEST(OpenAiLlmRequestTest, TheClientsOwnSystemMessageIsUsedAsSent) {
  FakeLlmServer fake;
  LlmConfig c = Config(fake);
  c.system_prompt = "You are a helpful voice assistant.";
  auto llm = Llm::Create("openai", c);
  // Not first in the list, still the client's: ours is not added.
  ASSERT_TRUE(
      Chat(*llm,
           {{"user", "hi"}, {"assistant", "hello"}, {"system", "Be a pirate."}, {"user", "again"}})
          .result.ok());
  json messages = fake.requests().back().body["messages"];
  ASSERT_EQ(messages.size(), 4u) << messages.dump();
  EXPECT_EQ(messages[2], json({{"role", "system"}, {"content", "Be a pirate."}}));
  // None from the client: ours comes first.
  ASSERT_TRUE(Chat(*llm, {{"user", "hi"}}).result.ok());
  messages = fake.requests().back().body["messages"];
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], json({{"role", "system"}, {"content", c.system_prompt}}));
}

TEST(OpenAiLlmRequestTest, ThinkBlocksSplitAcrossChunksAreNeverDelivered) {
  const std::string answer = "The kitchen lights are on now.";
  for (std::size_t bytes : {1u, 2u, 3u, 5u, 7u}) {
    SCOPED_TRACE(bytes);
    FakeLlmOptions o;
    o.token_bytes = bytes;  // "<think>" and "</think>" cut across chunks
    o.default_reply = "<think>\nThe user wants light. Say it is on.\n</think>\n\n" + answer;
    FakeLlmServer fake(o);
    auto llm = Llm::Create("openai", Config(fake));
    Outcome run = Chat(*llm, {{"user", "lights"}});
    ASSERT_TRUE(run.result.ok()) << run.result.error->what();
    EXPECT_EQ(run.heard, answer);
    EXPECT_EQ(run.result.text, answer);
  }
  // /no_think's empty block, and a server ignoring "stream": the same.
  FakeLlmOptions o;
  o.default_reply = "<think>\n\n</think>\n\n" + answer;
  o.ignore_stream = true;
  FakeLlmServer plain(o);
  auto llm = Llm::Create("openai", Config(plain));
  Outcome run = Chat(*llm, {{"user", "lights"}});
  ASSERT_TRUE(run.result.ok());
  EXPECT_EQ(run.result.text, answer);
}

TEST(OpenAiLlmRequestTest, AFailoverAfterThinkingNeverRepeatsTheAnswer) {
  FakeLlmOptions o;
  o.token_bytes = 4;
  o.honor_prefill = false;  // the second server starts over, thinking included
  o.default_reply = "<think>hmm</think>One two three four five six seven eight.";
  FakeLlmServer first(o), second(o);
  first.SetFault(FakeLlmFault::kCut, /*after_tokens=*/8);
  LlmConfig c = Config(first);
  c.endpoints.push_back({second.base_url(), "", "qwen3:8b"});
  auto llm = Llm::Create("openai", c);
  Outcome run = Chat(*llm, {{"user", "count"}});
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.heard, "One two three four five six seven eight.");
  EXPECT_EQ(run.result.failovers, 1);
}

}  // namespace
}  // namespace mv
