// /v1/realtime against the real binary: embedded pocketsphinx + flite, the
// fake OpenAI-compatible LLM, and a WebSocket client streaming flite speech
// the way a microphone would (docs/realtime.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "net/websocket-client.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-net.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* kQuestion = "what is the capital of france";
const char* kAnswer = "The capital of France is Paris.";

class RealtimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llm_ = new mvtest::FakeLlmServer();
    dir_ = new std::string(mvtest::TempDir());
    auto r = mvtest::RunCommand(
        {MV_BINARY, "say", kQuestion, "--voice", "kal16", "-o", *dir_ + "/q.wav"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    question_ = new std::vector<float>(
        mv::Resample(mv::DecodeAudio(mvtest::ReadFile(*dir_ + "/q.wav")), 24000).samples);
    server_ = new mvtest::ServerProcess({}, {{"MIRRORVOX_LLM__URL", llm_->base_url()},
                                             {"MIRRORVOX_LLM__MODEL", "fake-llm"},
                                             {"MIRRORVOX_TTS__VOICE", "kal16"}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete question_;
    delete dir_;
  }
  void SetUp() override {
    llm_->set_options(mvtest::FakeLlmOptions{});
    llm_->ClearFault();
  }

  static std::unique_ptr<mv::WebSocketClient> Connect(mv::WebSocketOptions options = {}) {
    return mv::WebSocketClient::Connect(
        mv::TestNet(), "ws://127.0.0.1:" + std::to_string(server_->port()) + "/v1/realtime?model=x",
        options);
  }
  static json Next(mv::WebSocketClient& ws, int timeout_ms = 30000) {
    auto m = ws.Receive(timeout_ms);
    if (!m) return json{{"type", "<closed>"}};
    return json::parse(m->data);
  }
  // Events up to and including the first that `stop` accepts.
  static std::vector<json> Until(mv::WebSocketClient& ws,
                                 const std::function<bool(const json&)>& stop) {
    std::vector<json> events;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      events.push_back(Next(ws));
      if (events.back()["type"] == "<closed>" || stop(events.back())) break;
    }
    return events;
  }
  static void SendAudio(mv::WebSocketClient& ws, const std::vector<float>& samples) {
    for (std::size_t i = 0; i < samples.size(); i += 2400) {
      const std::size_t n = std::min<std::size_t>(2400, samples.size() - i);
      ws.SendText(json{{"type", "input_audio_buffer.append"},
                       {"audio", mv::Base64Encode(mv::ToPcm16(samples.data() + i, n))}}
                      .dump());
    }
  }
  static std::vector<float> Silence(double seconds) {
    return std::vector<float>(static_cast<std::size_t>(seconds * 24000), 0.0f);
  }
  static std::string Transcribe(const std::vector<float>& pcm24k) {
    const std::string wav = mv::EncodeAudio(mv::AudioBuffer{pcm24k, 24000}, mv::AudioFormat::kWav);
    auto r = mvtest::HttpPostJson(server_->port(), "/api/asr",
                                  json{{"data", mv::Base64Encode(wav)}}.dump());
    return r.status == 200 ? json::parse(r.body).get<std::string>() : "<" + r.body + ">";
  }
  static std::vector<float> Pcm(const std::string& b64) {
    const std::string bytes = mv::Base64Decode(b64);
    std::vector<float> out(bytes.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      int16_t v;
      std::memcpy(&v, bytes.data() + 2 * i, 2);
      out[i] = v / 32768.0f;
    }
    return out;
  }

  static mvtest::FakeLlmServer* llm_;
  static std::string* dir_;
  static std::vector<float>* question_;
  static mvtest::ServerProcess* server_;
};
mvtest::FakeLlmServer* RealtimeTest::llm_ = nullptr;
std::string* RealtimeTest::dir_ = nullptr;
std::vector<float>* RealtimeTest::question_ = nullptr;
mvtest::ServerProcess* RealtimeTest::server_ = nullptr;

TEST_F(RealtimeTest, SpokenQuestionIsAnsweredInSpeech) {
  llm_->PushReply(kAnswer);
  const int requests_before = llm_->chat_requests();
  auto ws = Connect();
  EXPECT_EQ(ws->response_headers().count("sec-websocket-protocol"), 0u);
  ASSERT_EQ(Next(*ws)["type"], "session.created");
  SendAudio(*ws, Silence(0.5));
  SendAudio(*ws, *question_);
  SendAudio(*ws, Silence(1.0));
  auto events = Until(*ws, [](const json& e) { return e["type"] == "response.done"; });
  ASSERT_EQ(events.back()["type"], "response.done") << json(events).dump();
  EXPECT_EQ(events.back()["response"]["status"], "completed");

  std::string transcript, spoken;
  std::vector<float> answer;
  bool started = false, stopped = false;
  for (const json& e : events) {
    const std::string type = e["type"];
    started |= type == "input_audio_buffer.speech_started";
    stopped |= type == "input_audio_buffer.speech_stopped";
    if (type == "conversation.item.input_audio_transcription.completed")
      transcript = e["transcript"];
    if (type == "response.output_audio_transcript.delta") spoken += e["delta"].get<std::string>();
    if (type == "response.output_audio.delta") {
      auto pcm = Pcm(e["delta"]);
      answer.insert(answer.end(), pcm.begin(), pcm.end());
    }
  }
  EXPECT_TRUE(started && stopped);
  EXPECT_LE(mv::WordErrorRate(kQuestion, transcript), 0.34) << transcript;
  EXPECT_EQ(spoken, kAnswer);
  EXPECT_GT(answer.size(), 24000u);  // over a second of speech
  // The answer, recognised again, is what the LLM said. Measured WER: 0.
  const std::string heard = Transcribe(answer);
  EXPECT_LE(mv::WordErrorRate(kAnswer, heard), 0.34) << heard;
  // The LLM was asked the recognised question.
  ASSERT_EQ(llm_->chat_requests(), requests_before + 1);
  const json body = llm_->requests().back().body;
  EXPECT_EQ(body["messages"].back()["content"], transcript);
  const json& timing = events.back()["timing"];
  for (const char* key :
       {"asr_ms", "llm_first_token_ms", "first_audio_ms", "done_ms", "asr_audio_ms"})
    EXPECT_TRUE(timing.contains(key)) << key << ": " << timing.dump();
  ws->Close();
}

TEST_F(RealtimeTest, BargeInStopsTheAnswerAndTheLlmStream) {
  mvtest::FakeLlmOptions slow;
  slow.tokens_per_s = 8;  // a long answer that keeps streaming for many seconds
  llm_->set_options(slow);
  std::string reply = "Well, let me tell you a long story.";
  for (int i = 0; i < 12; ++i) reply += " This is sentence number " + std::to_string(i) + ".";
  llm_->PushReply(reply);
  llm_->PushReply("Okay.");
  const auto disconnects_before = llm_->disconnects().size();
  auto ws = Connect();
  ASSERT_EQ(Next(*ws)["type"], "session.created");
  SendAudio(*ws, Silence(0.5));
  SendAudio(*ws, *question_);
  SendAudio(*ws, Silence(1.0));
  auto events =
      Until(*ws, [](const json& e) { return e["type"] == "response.output_audio.delta"; });
  ASSERT_EQ(events.back()["type"], "response.output_audio.delta") << json(events).dump();
  const std::string first_response = events.back()["response_id"];

  // The user talks over the answer.
  SendAudio(*ws, *question_);
  SendAudio(*ws, Silence(1.0));
  events = Until(*ws, [&](const json& e) {
    return e["type"] == "response.done" && e["response"]["id"] == first_response;
  });
  ASSERT_EQ(events.back()["type"], "response.done") << json(events).dump();
  EXPECT_EQ(events.back()["response"]["status"], "cancelled");
  EXPECT_EQ(events.back()["response"]["status_details"]["reason"], "turn_detected");
  bool speech_started = false;
  for (const json& e : events) speech_started |= e["type"] == "input_audio_buffer.speech_started";
  EXPECT_TRUE(speech_started);
  // The upstream LLM request was dropped.
  EXPECT_TRUE(llm_->WaitForDisconnect(5000).has_value());
  EXPECT_GT(llm_->disconnects().size(), disconnects_before);
  // The new turn is answered; nothing of the cancelled answer comes after its response.done.
  events = Until(*ws, [&](const json& e) {
    return e["type"] == "response.done" && e["response"]["id"] != first_response;
  });
  ASSERT_EQ(events.back()["type"], "response.done") << json(events).dump();
  EXPECT_EQ(events.back()["response"]["status"], "completed");
  for (const json& e : events) EXPECT_NE(e.value("response_id", ""), first_response) << e.dump();
  ws->Close();
}

TEST_F(RealtimeTest, SessionSurvivesGarbageAndSpeaksBeta) {
  llm_->PushReply("Hello there.");
  mv::WebSocketOptions options;
  options.headers = {{"OpenAI-Beta", "realtime=v1"}};
  auto ws = Connect(options);
  ASSERT_EQ(Next(*ws)["type"], "session.created");
  ws->SendText("{{{ not json");
  EXPECT_EQ(Next(*ws)["error"]["code"], "invalid_json");
  ws->SendText(R"({"type": "input_audio_buffer.append", "audio": "%%%"})");
  EXPECT_EQ(Next(*ws)["error"]["code"], "invalid_audio");
  ws->SendText(R"({"type": "what.is.this", "event_id": "x1"})");
  json e = Next(*ws);
  EXPECT_EQ(e["error"]["code"], "unknown_event");
  EXPECT_EQ(e["error"]["event_id"], "x1");
  ws->SendBinary(std::string(100, '\0'));
  EXPECT_EQ(Next(*ws)["type"], "error");
  ws->SendText(json{{"type", "conversation.item.create"},
                    {"item",
                     {{"type", "message"},
                      {"role", "user"},
                      {"content", {{{"type", "input_text"}, {"text", "hi"}}}}}}}
                   .dump());
  ws->SendText(R"({"type": "response.create"})");
  auto events = Until(*ws, [](const json& e) { return e["type"] == "response.done"; });
  ASSERT_EQ(events.back()["type"], "response.done");
  EXPECT_EQ(events.back()["response"]["status"], "completed");
  int beta_audio = 0;
  for (const json& ev : events) beta_audio += ev["type"] == "response.audio.delta";
  EXPECT_GT(beta_audio, 0);
  ws->Close();
}

TEST_F(RealtimeTest, BrowserSubprotocolIsAnswered) {
  mv::WebSocketOptions options;
  options.headers = {{"Sec-WebSocket-Protocol",
                      "realtime, openai-insecure-api-key.sk-x, openai-beta.realtime-v1"}};
  auto ws = Connect(options);
  EXPECT_EQ(ws->response_headers().at("sec-websocket-protocol"), "realtime");
  const json created = Next(*ws);
  ASSERT_EQ(created["type"], "session.created");
  EXPECT_TRUE(created["session"].contains("voice"));  // the beta shape, as the subprotocol asked
  ws->Close();
}

TEST_F(RealtimeTest, LlmDownFailsTheResponseAndTheSessionGoesOn) {
  llm_->SetFault(mvtest::FakeLlmFault::kHttp500, 0, 1);
  llm_->PushReply("Back again.");
  auto ws = Connect();
  ASSERT_EQ(Next(*ws)["type"], "session.created");
  ws->SendText(R"({"type": "response.create"})");
  auto events = Until(*ws, [](const json& e) { return e["type"] == "response.done"; });
  ASSERT_EQ(events.back()["type"], "response.done");
  EXPECT_EQ(events.back()["response"]["status"], "failed");
  bool llm_error = false;
  for (const json& e : events)
    llm_error |= e["type"] == "error" && e["error"]["code"] == "llm_unavailable";
  EXPECT_TRUE(llm_error);
  ws->SendText(R"({"type": "response.create"})");
  events = Until(*ws, [](const json& e) { return e["type"] == "response.done"; });
  EXPECT_EQ(events.back()["response"]["status"], "completed");
  ws->Close();
}

TEST(RealtimeLimit, SessionsOverTheLimitAreRefused) {
  mvtest::ServerProcess server({}, {{"MIRRORVOX_REALTIME__MAX_SESSIONS", "1"}});
  ASSERT_TRUE(server.ok()) << server.Log();
  const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/v1/realtime";
  auto first = mv::WebSocketClient::Connect(mv::TestNet(), url);
  ASSERT_TRUE(first->Receive(10000).has_value());  // session.created
  auto second = mv::WebSocketClient::Connect(mv::TestNet(), url);
  auto refusal = second->Receive(10000);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(json::parse(refusal->data)["error"]["code"], "session_limit");
  EXPECT_FALSE(second->Receive(10000).has_value());  // closed by the server
  first->Close();
  // The slot is free again once the first session ended.
  std::optional<mv::WebSocketMessage> created;
  for (int attempt = 0; attempt < 50 && !created; ++attempt) {
    auto third = mv::WebSocketClient::Connect(mv::TestNet(), url);
    auto m = third->Receive(10000);
    if (m && json::parse(m->data)["type"] == "session.created")
      created = m;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(created.has_value());
}

}  // namespace
