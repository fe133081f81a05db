// The two original APIs end to end against the real binary, with a fake
// OpenAI-compatible LLM: /api/chat (SSE, PROTOCOLS.md A1) and /process_audio
// (A2), failover, quoted mode, ordering, cancellation, bad requests, metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using mvtest::FakeLlmFault;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;

// The value of one series in a /metrics text ("name{labels}" exactly as
// rendered), or 0 when the series has no sample yet.
double MetricValue(const std::string& text, const std::string& series) {
  std::size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + series.size() + 1));
    pos += series.size();
  }
  return 0;
}

std::string ChatBody(const std::string& user) {
  return json{{"msg", {{{"role", "user"}, {"content", user}}}}}.dump();
}

class ChatApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llm_ = new FakeLlmServer();
    backup_ = new FakeLlmServer();
    // Two endpoints: the first fails over to the second when told to.
    std::string dir = mvtest::TempDir();
    mvtest::WriteFile(dir + "/c.yaml",
                      "tts:\n  parallelism: 3\n  voice: slt\nllm:\n  first_token_timeout_ms: 1500\n  cooldown_ms: 1\n"
                      "  endpoints:\n    - url: " + llm_->base_url() +
                          "\n      model: fake-llm\n      key: sk-test-key\n    - url: " +
                          backup_->base_url() + "\n      model: fake-llm\n");
    server_ = new mvtest::ServerProcess({"-c", dir + "/c.yaml"});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete backup_;
  }
  void SetUp() override {
    llm_->ClearFault();
    backup_->ClearFault();
    llm_->set_options(FakeLlmOptions{});
    backup_->set_options(FakeLlmOptions{});
  }
  static int Port() { return server_->port(); }

  static FakeLlmServer* llm_;
  static FakeLlmServer* backup_;
  static mvtest::ServerProcess* server_;
};
FakeLlmServer* ChatApiTest::llm_ = nullptr;
FakeLlmServer* ChatApiTest::backup_ = nullptr;
mvtest::ServerProcess* ChatApiTest::server_ = nullptr;

TEST_F(ChatApiTest, SseEventsFollowTheOriginalProtocol) {
  const std::string reply =
      "Sure, I can do that, the kitchen lights are on now. Tell me if you need anything else.";
  llm_->PushReply(reply);
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("turn on the kitchen lights"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  auto events = mvtest::SseData(r.body);
  ASSERT_GE(events.size(), 3u) << r.body;
  std::string joined;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    json e = json::parse(events[i]);
    EXPECT_EQ(e["done"], false);
    ASSERT_TRUE(e["file"].is_string());
    std::string wav = mv::Base64Decode(e["file"].get<std::string>());
    EXPECT_EQ(wav.substr(0, 4), "RIFF");
    EXPECT_GT(mv::DecodeAudio(wav).DurationSeconds(), 0.3);
    joined += e["message"].get<std::string>();
  }
  json last = json::parse(events.back());
  EXPECT_EQ(last["done"], true);
  EXPECT_TRUE(last["file"].is_null());
  EXPECT_EQ(last["message"], reply);
  EXPECT_EQ(joined, reply);  // segments in order, nothing lost
  for (const char* k : {"llm_first_token_ms", "first_segment_ready_ms", "first_tts_audio_ms",
                        "first_byte_sent_ms", "done_ms"})
    EXPECT_TRUE(last["timing"].contains(k)) << last.dump();
  // The first segment is cut early, at the first comma.
  EXPECT_EQ(json::parse(events[0])["message"], "Sure, I can do that, ");
  // The fake LLM got the configured model, key and a system prompt.
  auto req = llm_->requests().back();
  EXPECT_EQ(req.body["model"], "fake-llm");
  EXPECT_EQ(req.body["stream"], true);
  EXPECT_EQ(req.headers["authorization"], "Bearer sk-test-key");
  EXPECT_EQ(req.body["messages"][0]["role"], "system");
}

TEST_F(ChatApiTest, FirstAudioIsSentWhileTheLlmIsStillWriting) {
  FakeLlmOptions slow;
  slow.tokens_per_s = 25;  // ~60 tokens: the reply takes ~2.4 s to write
  llm_->set_options(slow);
  llm_->PushReply(
      "Okay, here is a longer answer. It has several sentences so that the model keeps "
      "writing for a while. The first sentence should already be spoken by then. This is the "
      "fourth sentence of the answer. And this is the fifth and final one, to be sure it is long.");
  Clock::time_point start = Clock::now(), first_event, last_event;
  bool got_first = false;
  auto r = mvtest::HttpRequest("POST", Port(), "/api/chat", ChatBody("talk"), {},
                               [&](const std::string&) {
                                 if (!got_first) first_event = Clock::now();
                                 got_first = true;
                                 last_event = Clock::now();
                                 return true;
                               });
  ASSERT_EQ(r.status, 200);
  auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(first_event - start).count();
  auto last_ms = std::chrono::duration_cast<std::chrono::milliseconds>(last_event - start).count();
  EXPECT_LT(first_ms, last_ms / 2) << "first audio " << first_ms << " ms, end " << last_ms << " ms";
  EXPECT_GT(last_ms, 2000);
}

TEST_F(ChatApiTest, FailsOverToTheNextEndpoint) {
  llm_->SetFault(FakeLlmFault::kHttp500);
  backup_->PushReply("The backup model answered this question.");
  const double before =
      MetricValue(mvtest::HttpGet(Port(), "/metrics").body, "mirrorvox_llm_failovers_total");
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("hello"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(mvtest::SseData(r.body).back())["message"],
            "The backup model answered this question.");
  // The series is described at start-up: only its value says a failover happened.
  auto metrics = mvtest::HttpGet(Port(), "/metrics").body;
  EXPECT_EQ(MetricValue(metrics, "mirrorvox_llm_failovers_total"), before + 1) << metrics;
}

TEST_F(ChatApiTest, MidStreamFailureNeverRepeatsText) {
  llm_->SetFault(FakeLlmFault::kErrorBareJson, /*after_tokens=*/4);
  const std::string reply = "One two three four five six seven eight nine ten.";
  llm_->PushReply(reply);
  backup_->PushReply(reply);
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("count"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string full = json::parse(mvtest::SseData(r.body).back())["message"];
  EXPECT_EQ(full, reply);
}

// The original clients crash on a JSON body: a valid request always gets the
// stream, and the done event says what went wrong.
TEST_F(ChatApiTest, AllEndpointsDownEndsTheStreamWithAnError) {
  llm_->SetFault(FakeLlmFault::kHttp500);
  backup_->SetFault(FakeLlmFault::kHttp429);
  auto r = mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("hello"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  auto events = mvtest::SseData(r.body);
  ASSERT_EQ(events.size(), 1u) << r.body;
  json done = json::parse(events[0]);
  EXPECT_EQ(done["done"], true);
  EXPECT_TRUE(done["file"].is_null());
  EXPECT_EQ(done["message"], "");
  EXPECT_TRUE(done["error"]["code"].is_string()) << r.body;
  EXPECT_TRUE(done["error"]["message"].is_string()) << r.body;
  EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
}

// The reply takes several seconds at 10 tokens/s: a close within 1 s is the
// hang-up, not the end of the stream (the bound is loose for a loaded CI box).
TEST_F(ChatApiTest, ClientHangupClosesTheUpstreamPromptly) {
  FakeLlmOptions slow;
  slow.tokens_per_s = 10;
  llm_->set_options(slow);
  llm_->PushReply("Hi, this is the first part. Then a long tail follows, " +
                  std::string(40, 'x') + " and more words that keep coming for a long time " +
                  "so that the stream is still running when the client hangs up on us.");
  size_t before = llm_->disconnects().size();
  Clock::time_point hung_up;
  mvtest::HttpRequest("POST", Port(), "/api/chat", ChatBody("talk"), {}, [&](const std::string&) {
    hung_up = Clock::now();
    return false;  // hang up at the first audio event
  });
  auto at = llm_->WaitForDisconnect(3000);
  ASSERT_TRUE(at.has_value());
  ASSERT_GT(llm_->disconnects().size(), before);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*at - hung_up).count();
  EXPECT_LT(ms, 1000);
}

TEST_F(ChatApiTest, BadChatRequestsAre400) {
  for (const std::string& body : {std::string("{broken"), std::string("{}"),
                                  std::string(R"({"msg": "hi"})"),
                                  std::string(R"({"msg": [{"role": "user"}]})"),
                                  std::string(R"({"msg": [{"role": "wizard", "content": "x"}]})")}) {
    auto r = mvtest::HttpPostJson(Port(), "/api/chat", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_TRUE(json::parse(r.body, nullptr, false)["error"].is_object()) << r.body;
  }
}

TEST_F(ChatApiTest, MetricsExposeTurnsErrorsAndStageLatencies) {
  const std::string turns = "mirrorvox_turns_total{route=\"/api/chat\"}";
  const std::string rejected =
      "mirrorvox_errors_total{kind=\"invalid_request_error\",route=\"/api/chat\"}";
  const std::string first_audio =
      "mirrorvox_stage_latency_seconds_count{stage=\"first_tts_audio\"}";
  const std::string before = mvtest::HttpGet(Port(), "/metrics").body;
  llm_->PushReply("A short answer.");
  ASSERT_EQ(mvtest::HttpPostJson(Port(), "/api/chat", ChatBody("hi")).status, 200);
  ASSERT_EQ(mvtest::HttpPostJson(Port(), "/api/chat", "{\"msg\": 7}").status, 400);
  auto m = mvtest::HttpGet(Port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.headers["content-type"].find("text/plain"), std::string::npos);
  // Values that the two requests changed, not names described at start-up.
  EXPECT_EQ(MetricValue(m.body, turns), MetricValue(before, turns) + 1) << m.body;
  EXPECT_EQ(MetricValue(m.body, rejected), MetricValue(before, rejected) + 1) << m.body;
  EXPECT_EQ(MetricValue(m.body, first_audio), MetricValue(before, first_audio) + 1) << m.body;
}

}  // namespace
