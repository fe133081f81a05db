// The tool loop end to end below the server: the fake LLM decides to call a
// tool, the real MCP reference server runs it, the result goes back as a
// role "tool" message and the model answers with it. Rounds, errors, the
// filler, text before a call, the caller's own tools and cancellation.
#include "tools/tool-loop-llm.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "llm/openai-llm.h"
#include "unit/tools/mcp-test-util.h"

namespace mv {
namespace {

using mvtest::FakeLlmServer;
using mvtest::FakeLlmToolReply;
using mvtest::FakeToolCallShape;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Rig {
  explicit Rig(ToolsConfig c = Config()) : config(std::move(c)) {
    LlmConfig lc;
    lc.endpoints.push_back({fake.base_url(), "", "fake"});
    lc.first_token_timeout_ms = 30000;
    registry = std::make_shared<ToolRegistry>(config);
    registry->Start();
    llm = std::make_unique<ToolLoopLlm>(std::make_unique<OpenAiLlm>(lc), registry, config);
  }
  static ToolsConfig Config() {
    ToolsConfig c;
    c.mcp_servers.push_back(mvtest::EverythingStdio());
    c.connect_timeout_ms = 60000;
    c.filler_after_ms = 600000;  // no filler unless a test wants one
    return c;
  }
  struct Run {
    LlmResult result;
    std::string deltas;
    int pauses = 0;
  };
  Run Ask(const std::string& question, ChatOptions o = {}, CancelToken cancel = {}) {
    Run run;
    std::atomic<int> pauses{0};
    o.on_pause = [&] { ++pauses; };
    run.result =
        llm->Chat({{"user", question}}, o, cancel, [&](std::string_view d) { run.deltas += d; });
    run.pauses = pauses;
    return run;
  }

  ToolsConfig config;
  FakeLlmServer fake;
  std::shared_ptr<ToolRegistry> registry;
  std::unique_ptr<ToolLoopLlm> llm;
};

TEST(ToolLoopLlmTest, RunsTheModelsCallAndAnswersWithTheResult) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  rig.fake.SetToolReplyFunction(FakeLlmServer::SumWithTool({"get-sum"}));
  Rig::Run run = rig.Ask("What is 17 plus 25?");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.result.text, "Here you go. The sum of 17 and 25 is 42.");
  EXPECT_EQ(run.deltas, run.result.text);
  // Tool names and arguments never reach the listener (TTS).
  EXPECT_EQ(run.deltas.find("get-sum"), std::string::npos);
  EXPECT_EQ(run.deltas.find('{'), std::string::npos);
  ASSERT_EQ(run.result.tool_runs.size(), 1u);
  EXPECT_EQ(run.result.tool_runs[0].name, "everything_get-sum");
  EXPECT_EQ(run.result.tool_runs[0].outcome, "ok");
  EXPECT_GT(run.result.tool_ms, 0);
  EXPECT_EQ(run.result.tool_rounds, 1);
  EXPECT_TRUE(run.result.tool_calls.empty());

  auto requests = rig.fake.requests();
  ASSERT_EQ(requests.size(), 2u);
  bool offered = false;
  for (const auto& t : requests[0].body["tools"])
    offered = offered || t["function"]["name"] == "everything_get-sum";
  EXPECT_TRUE(offered);
  const json& m = requests[1].body["messages"];
  const json& call = m[m.size() - 2];
  EXPECT_EQ(call["role"], "assistant");
  EXPECT_EQ(call["tool_calls"][0]["function"]["name"], "everything_get-sum");
  EXPECT_EQ(json::parse(call["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"a", 17}, {"b", 25}}));
  EXPECT_EQ(m.back()["role"], "tool");
  EXPECT_EQ(m.back()["tool_call_id"], call["tool_calls"][0]["id"]);
  EXPECT_EQ(m.back()["content"], "The sum of 17 and 25 is 42.");
}

TEST(ToolLoopLlmTest, EveryServerShapeEndsInTheSameAnswer) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  for (auto shape : {FakeToolCallShape::kOllama, FakeToolCallShape::kObjectArguments,
                     FakeToolCallShape::kRepeatedId, FakeToolCallShape::kOllamaNoIndex}) {
    rig.fake.SetToolReplyFunction(FakeLlmServer::SumWithTool({"get-sum"}, shape));
    Rig::Run run = rig.Ask("add 2 and 3");
    ASSERT_TRUE(run.result.ok()) << run.result.error->what();
    EXPECT_EQ(run.result.text, "Here you go. The sum of 2 and 3 is 5.") << static_cast<int>(shape);
  }
}

TEST(ToolLoopLlmTest, TextBeforeTheCallStaysAndIsSpokenBeforeTheTool) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  rig.fake.SetToolReplyFunction(
      FakeLlmServer::SumWithTool({"get-sum"}, FakeToolCallShape::kTextFirst));
  Rig::Run run = rig.Ask("what is two plus three");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.result.text, "Let me add that up. Here you go. The sum of 2 and 3 is 5.");
  EXPECT_EQ(run.pauses, 1) << "the text before the call is flushed to TTS when the tool starts";
}

TEST(ToolLoopLlmTest, AFailingToolIsAnErrorResultNotADeadReply) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  FakeLlmToolReply bad;
  bad.calls.push_back({"everything_get-sum", {{"a", "not a number"}}, ""});
  rig.fake.PushToolReply(bad);
  rig.fake.SetToolReplyFunction(
      FakeLlmServer::SumWithTool({"get-sum"}, FakeToolCallShape::kOpenAi, "Sorry: "));
  Rig::Run run = rig.Ask("hello");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.result.text.rfind("Sorry: error: ", 0), 0u) << run.result.text;
  ASSERT_EQ(run.result.tool_runs.size(), 1u);
  EXPECT_EQ(run.result.tool_runs[0].outcome, "error");
}

TEST(ToolLoopLlmTest, StopsAfterMaxRoundsAndTheLastRoundMayNotCall) {
  MV_REQUIRE_EVERYTHING();
  ToolsConfig c = Rig::Config();
  c.max_rounds = 3;
  Rig rig(c);
  for (int i = 0; i < 10; ++i) {
    FakeLlmToolReply again;
    again.text = i == 0 ? "" : "";
    again.calls.push_back({"everything_echo", {{"message", "round"}}, ""});
    rig.fake.PushToolReply(again);
  }
  Rig::Run run = rig.Ask("loop forever");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  auto requests = rig.fake.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body.value("tool_choice", ""), "");
  EXPECT_EQ(requests[2].body["tool_choice"], "none");
  EXPECT_EQ(run.result.tool_rounds, 2);
}

TEST(ToolLoopLlmTest, TheFillerIsSpokenOnceWhileASlowToolRuns) {
  MV_REQUIRE_EVERYTHING();
  ToolsConfig c = Rig::Config();
  c.filler_after_ms = 10;
  c.filler = "One moment.";
  Rig rig(c);
  for (int i = 0; i < 2; ++i) {  // two slow rounds: still one filler
    FakeLlmToolReply slow;
    slow.calls.push_back(
        {"everything_trigger-long-running-operation", {{"duration", 2}, {"steps", 1}}, ""});
    rig.fake.PushToolReply(slow);
  }
  rig.fake.PushReply("Done.");
  Rig::Run run = rig.Ask("do the slow thing twice");
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.result.text, "One moment. Done.");
  EXPECT_EQ(run.deltas, run.result.text);
  EXPECT_GE(run.pauses, 3) << "before each round of tools, and after the filler";
}

TEST(ToolLoopLlmTest, CancellingDuringASlowToolStopsIt) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  FakeLlmToolReply slow;
  slow.calls.push_back(
      {"everything_trigger-long-running-operation", {{"duration", 120}, {"steps", 120}}, ""});
  rig.fake.PushToolReply(slow);
  CancelToken cancel;
  std::promise<LlmResult> done;
  std::promise<void> paused;
  ChatOptions o;
  o.on_pause = [&paused] { paused.set_value(); };  // the tool starts right after
  const auto start = Clock::now();
  rig.llm->StreamChat({{"user", "slow"}}, o, cancel, nullptr,
                      [&](LlmResult r) { done.set_value(std::move(r)); });
  ASSERT_EQ(paused.get_future().wait_for(60s), std::future_status::ready);
  std::this_thread::sleep_for(300ms);  // the call is out (any order would pass)
  cancel.Cancel();                     // as a hang-up or barge-in does
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
  LlmResult r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind(), ErrorKind::kCancelled);
  ASSERT_EQ(r.tool_runs.size(), 1u);
  EXPECT_EQ(r.tool_runs[0].outcome, "cancelled");
  EXPECT_LT(Clock::now() - start, 100s) << "the 120 s tool was not waited for";
  EXPECT_EQ(rig.fake.chat_requests(), 1) << "no round after a cancel";
}

TEST(ToolLoopLlmTest, CallsToTheCallersOwnToolsAreReturnedNotRun) {
  MV_REQUIRE_EVERYTHING();
  Rig rig;
  // Prefers the caller's add_numbers over the server's get-sum.
  rig.fake.SetToolReplyFunction(FakeLlmServer::SumWithTool({"add_numbers", "get-sum"}));
  ChatOptions o;
  o.tools.push_back({"add_numbers", "Adds two numbers", R"({"type":"object"})"});
  Rig::Run run = rig.Ask("what is 4 plus 5", o);
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  ASSERT_EQ(run.result.tool_calls.size(), 1u);
  EXPECT_EQ(run.result.tool_calls[0].name, "add_numbers");
  EXPECT_EQ(json::parse(run.result.tool_calls[0].arguments), json({{"a", 4}, {"b", 5}}));
  EXPECT_TRUE(run.result.tool_runs.empty());
  EXPECT_EQ(rig.fake.chat_requests(), 1);
  // Both kinds were offered.
  const json tools = rig.fake.requests()[0].body["tools"];
  int both = 0;
  for (const auto& t : tools)
    both += t["function"]["name"] == "add_numbers" || t["function"]["name"] == "everything_get-sum";
  EXPECT_EQ(both, 2);
}

TEST(ToolLoopLlmTest, WithoutToolsItIsThePlainEngine) {
  FakeLlmServer fake;
  LlmConfig lc;
  lc.endpoints.push_back({fake.base_url(), "", "fake"});
  ToolLoopLlm llm(std::make_unique<OpenAiLlm>(lc), nullptr, ToolsConfig{});
  LlmResult r = llm.Chat({{"user", "hi"}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(fake.requests().back().body.contains("tools"));
}

}  // namespace
}  // namespace mv
