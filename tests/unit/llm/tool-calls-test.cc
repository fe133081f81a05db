// Function calling over the OpenAI-compatible API: what the engine sends
// (tools, tool_choice, assistant tool_calls, role "tool" messages) and how
// streamed delta.tool_calls are assembled in every server's shape
// (docs/tools.md), against the fake LLM server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fake-llm-server.h"
#include "llm/openai-llm.h"
#include "llm/tool-call-assembler.h"

namespace mv {
namespace {

using mvtest::FakeLlmServer;
using mvtest::FakeLlmToolReply;
using mvtest::FakeToolCallShape;
using nlohmann::json;

LlmConfig Config(const FakeLlmServer& fake) {
  LlmConfig c;
  c.endpoints.push_back({fake.base_url(), "", "fake"});
  c.first_token_timeout_ms = 10000;
  return c;
}

ChatOptions WithTools() {
  ChatOptions o;
  o.tools.push_back({"get_weather", "The weather in a city",
                     R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  o.tools.push_back({"everything_get-sum", "Adds", R"({"type":"object"})"});
  o.tool_choice = "auto";
  return o;
}

FakeLlmToolReply TwoCalls(FakeToolCallShape shape, std::string text = "") {
  FakeLlmToolReply r;
  r.shape = shape;
  r.text = std::move(text);
  // Quotes, escapes and non-ASCII, so pieces cut inside an escape must rejoin.
  r.calls.push_back({"get_weather", {{"city", "Paris \"Nord\" \u00e9t\u00e9"}}, ""});
  r.calls.push_back({"everything_get-sum", {{"a", 2}, {"b", 3}}, ""});
  return r;
}

struct ShapeCase {
  FakeToolCallShape shape;
  const char* name;
  const char* text;
};

class ToolCallShapeTest : public testing::TestWithParam<ShapeCase> {};

TEST_P(ToolCallShapeTest, AssemblesBothCalls) {
  FakeLlmServer fake;
  fake.PushToolReply(TwoCalls(GetParam().shape, GetParam().text));
  OpenAiLlm llm(Config(fake));
  std::string delivered;
  LlmResult r = llm.Chat({{"user", "weather and 2+3?"}}, WithTools(), {},
                         [&](std::string_view d) { delivered += d; });
  ASSERT_TRUE(r.ok()) << r.error->what();
  EXPECT_EQ(r.finish_reason, "tool_calls");
  EXPECT_EQ(delivered, GetParam().text) << "only text reaches on_delta";
  EXPECT_EQ(r.text, GetParam().text);
  ASSERT_EQ(r.tool_calls.size(), 2u);
  EXPECT_EQ(r.tool_calls[0].name, "get_weather");
  EXPECT_EQ(json::parse(r.tool_calls[0].arguments),
            json({{"city", "Paris \"Nord\" \u00e9t\u00e9"}}));
  EXPECT_EQ(r.tool_calls[1].name, "everything_get-sum");
  EXPECT_EQ(json::parse(r.tool_calls[1].arguments), json({{"a", 2}, {"b", 3}}));
  EXPECT_FALSE(r.tool_calls[0].id.empty());
  EXPECT_NE(r.tool_calls[0].id, r.tool_calls[1].id);

  const json body = fake.requests().back().body;
  ASSERT_TRUE(body.contains("tools"));
  EXPECT_EQ(body["tools"].size(), 2u);
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["properties"]["city"]["type"], "string");
  EXPECT_EQ(body["tool_choice"], "auto");
}

INSTANTIATE_TEST_SUITE_P(
    Servers, ToolCallShapeTest,
    testing::Values(ShapeCase{FakeToolCallShape::kOpenAi, "OpenAi", ""},
                    ShapeCase{FakeToolCallShape::kOllama, "Ollama", ""},
                    ShapeCase{FakeToolCallShape::kOllamaNoIndex, "OllamaNoIndex", ""},
                    ShapeCase{FakeToolCallShape::kObjectArguments, "ObjectArguments", ""},
                    ShapeCase{FakeToolCallShape::kRepeatedId, "RepeatedId", ""},
                    ShapeCase{FakeToolCallShape::kTextFirst, "LlamaCppTextFirst",
                              "Let me look that up. "}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ToolCallsTest, SendsCallsAndResultsBackInTheOpenAiShape) {
  FakeLlmServer fake;
  fake.PushReply("It is sunny.");
  OpenAiLlm llm(Config(fake));
  ChatMessage call("assistant", "");
  call.tool_calls.push_back({"call_1", "get_weather", R"({"city":"Paris"})"});
  ChatMessage result("tool", "sunny, 25 C");
  result.tool_call_id = "call_1";
  ChatOptions o = WithTools();
  o.tool_choice = "get_weather";
  LlmResult r = llm.Chat({{"user", "weather?"}, call, result}, o);
  ASSERT_TRUE(r.ok()) << r.error->what();
  EXPECT_TRUE(r.tool_calls.empty());
  EXPECT_EQ(r.text, "It is sunny.");
  const json body = fake.requests().back().body;
  const json& m = body["messages"];
  ASSERT_GE(m.size(), 3u);
  const json& a = m[m.size() - 2];
  EXPECT_EQ(a["role"], "assistant");
  EXPECT_EQ(a["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(a["tool_calls"][0]["type"], "function");
  EXPECT_EQ(a["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(a["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_EQ(m.back()["role"], "tool");
  EXPECT_EQ(m.back()["tool_call_id"], "call_1");
  EXPECT_EQ(m.back()["content"], "sunny, 25 C");
  EXPECT_EQ(body["tool_choice"],
            json({{"type", "function"}, {"function", {{"name", "get_weather"}}}}));
}

TEST(ToolCallsTest, NoToolsSendsNoToolsField) {
  FakeLlmServer fake;
  OpenAiLlm llm(Config(fake));
  ASSERT_TRUE(llm.Chat({{"user", "hi"}}).ok());
  const json body = fake.requests().back().body;
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("tool_choice"));
}

TEST(ToolCallsTest, ReadsCallsFromANonStreamedAnswer) {
  mvtest::FakeLlmOptions opts;
  opts.ignore_stream = true;
  FakeLlmServer fake(opts);
  fake.PushToolReply(TwoCalls(FakeToolCallShape::kOpenAi));
  OpenAiLlm llm(Config(fake));
  LlmResult r = llm.Chat({{"user", "weather?"}}, WithTools());
  ASSERT_TRUE(r.ok()) << r.error->what();
  ASSERT_EQ(r.tool_calls.size(), 2u);
  EXPECT_EQ(r.tool_calls[1].name, "everything_get-sum");
  EXPECT_EQ(json::parse(r.tool_calls[1].arguments), json({{"a", 2}, {"b", 3}}));
}

TEST(ToolCallAssemblerTest, RejectsMalformedAndOversizedCalls) {
  ToolCallAssembler a;
  EXPECT_FALSE(a.Add(json("nope")));
  ToolCallAssembler small(8);
  EXPECT_FALSE(small.Add(json::parse(
      R"([{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":123456789}"}}])")));
  EXPECT_NE(small.error().find("over 8 bytes"), std::string::npos);
}

TEST(ToolCallAssemblerTest, FragmentsWithoutIndexOrIdContinueTheLastCall) {
  ToolCallAssembler a;
  ASSERT_TRUE(a.Add(json::parse(R"([{"id":"x","function":{"name":"f","arguments":"{\"a\""}}])")));
  ASSERT_TRUE(a.Add(json::parse(R"([{"function":{"arguments":":1}"}}])")));
  auto calls = a.Calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].arguments, R"({"a":1})");
  ToolCallAssembler none;
  ASSERT_TRUE(none.Add(json::parse(R"([{"index":0,"function":{"name":"g"}}])")));
  EXPECT_EQ(none.Calls()[0].id, "call_0");
  EXPECT_EQ(none.Calls()[0].arguments, "{}");
}

}  // namespace
}  // namespace mv
