// Server-side tools through the original APIs, end to end: the real binary
// with the real MCP reference server (npm, over stdio) and the fake LLM,
// which calls get-sum when a question holds two numbers and answers with the
// result it got back. /api/chat and /process_audio know nothing of tools:
// their final message carries only the spoken reply. Also: the filler, a
// hang-up during a slow tool, metrics, and no tools unless configured.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using mvtest::FakeLlmServer;
using namespace std::chrono_literals;

const std::string kEverything =
    std::string(MV_SOURCE_DIR) +
    "/tests/js/node_modules/@modelcontextprotocol/server-everything/dist/index.js";

std::string ChatBody(const std::string& user) {
  return json{{"msg", {{{"role", "user"}, {"content", user}}}}}.dump();
}

double MetricValue(const std::string& metrics, const std::string& series) {
  auto at = metrics.find(series + " ");
  return at == std::string::npos ? 0 : std::stod(metrics.substr(at + series.size() + 1));
}

class ToolsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(mvtest::RunCommand({"test", "-f", kEverything}).exit_code, 0)
        << "the MCP reference server is missing: run npm ci --prefix tests/js";
    llm_ = new FakeLlmServer();
    llm_->SetToolReplyFunction(FakeLlmServer::SumWithTool({"get-sum"}));
    dir_ = new std::string(mvtest::TempDir());
    mvtest::WriteFile(*dir_ + "/c.yaml",
                      "llm:\n  endpoints:\n    - url: " + llm_->base_url() +
                          "\n      model: fake-llm\n"
                          "tools:\n  filler_after_ms: 300\n  filler: One moment please.\n"
                          "  connect_timeout_ms: 60000\n"
                          "  mcp_servers:\n    - name: everything\n      command: node\n"
                          "      args: [" +
                          kEverything + ", stdio]\n");
    server_ = new mvtest::ServerProcess({"-c", *dir_ + "/c.yaml"});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete dir_;
  }
  static int Port() { return server_->port(); }

  static FakeLlmServer* llm_;
  static std::string* dir_;
  static mvtest::ServerProcess* server_;
};
FakeLlmServer* ToolsApiTest::llm_ = nullptr;
std::string* ToolsApiTest::dir_ = nullptr;
mvtest::ServerProcess* ToolsApiTest::server_ = nullptr;

TEST_F(ToolsApiTest, ApiChatAnswersWithTheToolsResult) {
  const int before = llm_->chat_requests();
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("What is 17 plus 25?"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto events = mvtest::SseData(r.body);
  ASSERT_GE(events.size(), 2u) << r.body;
  json last = json::parse(events.back());
  EXPECT_EQ(last["done"], true);
  const std::string message = last["message"];
  // The filler may come first on a slow machine; the answer is exact.
  EXPECT_TRUE(message.ends_with("Here you go. The sum of 17 and 25 is 42.")) << message;
  EXPECT_GT(last["timing"].value("tools_ms", 0.0), 0.0) << last["timing"].dump();
  std::string spoken;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    json e = json::parse(events[i]);
    EXPECT_FALSE(mv::Base64Decode(e["file"].get<std::string>()).empty());
    spoken += e["message"].get<std::string>();
  }
  EXPECT_EQ(spoken.find("get-sum"), std::string::npos) << "a tool name reached TTS: " << spoken;
  EXPECT_EQ(spoken.find('{'), std::string::npos) << "arguments reached TTS: " << spoken;
  EXPECT_NE(spoken.find("42"), std::string::npos) << spoken;
  // Two LLM requests: the call, then the answer with the role "tool" result.
  auto requests = llm_->requests();
  ASSERT_EQ(llm_->chat_requests() - before, 2);
  const json& m = requests.back().body["messages"];
  EXPECT_EQ(m.back()["role"], "tool");
  EXPECT_EQ(m.back()["content"], "The sum of 17 and 25 is 42.");

  auto metrics = mvtest::HttpGet(Port(), "/metrics").body;
  EXPECT_GE(
      MetricValue(metrics, R"(mirrorvox_tool_calls_total{outcome="ok",tool="everything_get-sum"})"),
      1)
      << metrics;
  EXPECT_NE(metrics.find(R"(mirrorvox_tool_seconds_count{tool="everything_get-sum"})"),
            std::string::npos);
}

TEST_F(ToolsApiTest, ProcessAudioUsesTheToolsToo) {
  auto say = mvtest::RunCommand(
      {MV_BINARY, "say", "please add six and seven", "--voice", "rms", "-o", *dir_ + "/q.wav"});
  ASSERT_EQ(say.exit_code, 0) << say.err;
  auto r = mvtest::HttpPostMultipart(
      Port(), "/process_audio",
      {{"audio", mvtest::ReadFile(*dir_ + "/q.wav"), "q.wav", "audio/wav"},
       {"language", "english", "", ""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "audio/wav");
  EXPECT_GT(r.body.size(), 24000u);
  // What the model was told, and what it was given back.
  auto requests = llm_->requests();
  const json& m = requests.back().body["messages"];
  ASSERT_EQ(m.back()["role"], "tool") << requests.back().body.dump();
  EXPECT_EQ(m.back()["content"], "The sum of 6 and 7 is 13.");
  // The answer as text too (the reply header carries only what was spoken).
  auto text = mvtest::HttpGet(Port(), "/metrics").body;
  EXPECT_GE(
      MetricValue(text, R"(mirrorvox_tool_calls_total{outcome="ok",tool="everything_get-sum"})"),
      1);
}

TEST_F(ToolsApiTest, HangingUpDuringASlowToolCancelsItAfterTheFiller) {
  mvtest::FakeLlmToolReply slow;
  slow.calls.push_back(
      {"everything_trigger-long-running-operation", {{"duration", 120}, {"steps", 120}}, ""});
  llm_->PushToolReply(slow);
  const std::string series =
      R"(mirrorvox_tool_calls_total{outcome="cancelled",tool="everything_trigger-long-running-operation"})";
  const double before = MetricValue(mvtest::HttpGet(Port(), "/metrics").body, series);
  std::string first;
  const auto start = Clock::now();
  mvtest::HttpRequest("POST", Port(), "/api/chat", ChatBody("do the slow thing"), {},
                      [&](const std::string& piece) {
                        first += piece;
                        return first.find("\n\n") == std::string::npos;  // hang up after one event
                      });
  // The first event is the filler, spoken while the tool ran.
  auto events = mvtest::SseData(first);
  ASSERT_FALSE(events.empty()) << first;
  EXPECT_EQ(json::parse(events[0])["message"], "One moment please.");
  // The hang-up cancels the 120 s call (metrics say so once it ended).
  double now = before;
  while (now <= before && Clock::now() - start < 90s) {
    std::this_thread::sleep_for(100ms);
    now = MetricValue(mvtest::HttpGet(Port(), "/metrics").body, series);
  }
  EXPECT_EQ(now, before + 1);
  EXPECT_LT(Clock::now() - start, 100s);
  // The server and the MCP server still answer.
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("add 1 and 1"));
  EXPECT_TRUE(json::parse(mvtest::SseData(r.body).back())["message"].get<std::string>().ends_with(
      "The sum of 1 and 1 is 2."));
}

TEST(ToolsOffTest, NoToolsAreOfferedUnlessConfigured) {
  FakeLlmServer llm;
  llm.SetToolReplyFunction(FakeLlmServer::SumWithTool({"get-sum"}));
  mvtest::ServerProcess server(
      {}, {{"MIRRORVOX_LLM__URL", llm.base_url()}, {"MIRRORVOX_LLM__MODEL", "fake-llm"}});
  ASSERT_TRUE(server.ok()) << server.Log();
  auto r = mvtest::HttpPostJson(server.port(), "/api/chat", ChatBody("What is 2 plus 2?"));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(llm.chat_requests(), 1);
  EXPECT_FALSE(llm.requests()[0].body.contains("tools")) << llm.requests()[0].body.dump();
}

}  // namespace
