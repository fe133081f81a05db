// The orderly stop (Runtime::Stop) from outside: SIGTERM while 10
// /process_audio requests and 10 realtime sessions wait on a slow LLM. The
// server exits 0, every request gets a whole HTTP answer (audio, or a JSON
// error saying it is shutting down), every session a close frame.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "net/websocket-client.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-net.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kRequests = 10;
constexpr int kSessions = 10;

TEST(ShutdownTest, SigtermWithWorkInFlightExitsCleanlyAndAnswersEveryone) {
  mvtest::FakeLlmServer llm;
  mvtest::FakeLlmOptions slow;
  slow.tokens_per_s = 2;  // a reply that keeps streaming far past the SIGTERM
  llm.set_options(slow);
  std::string reply = "Let me think about that.";
  for (int i = 0; i < 40; ++i) reply += " Sentence " + std::to_string(i) + ".";
  llm.SetReplyFunction([reply](const json&) { return reply; });

  const std::string dir = mvtest::TempDir();
  auto said = mvtest::RunCommand({MV_BINARY, "say", "what is the capital of france", "--voice",
                                  "kal16", "-o", dir + "/q.wav"});
  ASSERT_EQ(said.exit_code, 0) << said.err;
  const std::string question = mvtest::ReadFile(dir + "/q.wav");
  const auto pcm24k = mv::Resample(mv::DecodeAudio(question), 24000).samples;

  mvtest::ServerProcess server({}, {{"MIRRORVOX_LLM__URL", llm.base_url()},
                                    {"MIRRORVOX_LLM__MODEL", "fake-llm"},
                                    {"MIRRORVOX_SERVER__SHUTDOWN_GRACE_MS", "20000"}});
  ASSERT_TRUE(server.ok()) << server.Log();
  const int port = server.port();

  // Ten /process_audio requests: ASR on the compute pool, then the slow LLM.
  std::vector<mvtest::HttpResult> answers(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i)
    clients.emplace_back([&, i] {
      answers[i] = mvtest::HttpPostMultipart(
          port, "/process_audio",
          {{"audio", question, "q.wav", "audio/wav"}, {"language", "en", "", ""}});
    });

  // Ten realtime sessions, each with an answer under way.
  std::vector<std::unique_ptr<mv::WebSocketClient>> sessions;
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/v1/realtime?model=x";
  for (int i = 0; i < kSessions; ++i) {
    sessions.push_back(mv::WebSocketClient::Connect(mv::TestNet(), url));
    auto created = sessions.back()->Receive(60000);
    ASSERT_TRUE(created.has_value());
    ASSERT_EQ(json::parse(created->data)["type"], "session.created");
    std::vector<float> audio(12000, 0.0f);  // 0.5 s of silence, the question, 1 s of silence
    audio.insert(audio.end(), pcm24k.begin(), pcm24k.end());
    audio.insert(audio.end(), 24000, 0.0f);
    for (std::size_t at = 0; at < audio.size(); at += 2400) {
      const std::size_t n = std::min<std::size_t>(2400, audio.size() - at);
      sessions.back()->SendText(json{{"type", "input_audio_buffer.append"},
                                     {"audio", mv::Base64Encode(mv::ToPcm16(audio.data() + at, n))}}
                                    .dump());
    }
  }
  for (auto& ws : sessions) {
    bool responding = false;
    const auto deadline = Clock::now() + 300s;  // ASR of 20 questions on a busy machine
    while (!responding && Clock::now() < deadline) {
      auto m = ws->Receive(300000);
      ASSERT_TRUE(m.has_value()) << "session closed before its answer began";
      responding = json::parse(m->data)["type"] == "response.created";
    }
    ASSERT_TRUE(responding);
  }
  // The LLM holds at least the sessions' calls (response.created can come
  // just before the request goes out); the HTTP requests wait on it or are
  // still queued for ASR: both must end cleanly.
  for (int i = 0; i < 60000 && llm.chat_requests() < kSessions; ++i)
    std::this_thread::sleep_for(1ms);
  ASSERT_GE(llm.chat_requests(), kSessions);

  EXPECT_EQ(server.Stop(120), 0) << server.Log();

  for (auto& t : clients) t.join();
  for (int i = 0; i < kRequests; ++i) {
    const auto& r = answers[i];
    ASSERT_NE(r.status, 0) << "request " << i << " got no HTTP answer";
    if (r.status == 200) {
      EXPECT_EQ(r.body.substr(0, 4), "RIFF") << "request " << i;
    } else {
      EXPECT_EQ(r.status, 503) << r.body;
      auto j = json::parse(r.body, nullptr, false);
      ASSERT_TRUE(j.is_object()) << r.body;
      EXPECT_TRUE(j["error"].is_object()) << r.body;
    }
  }
  for (auto& ws : sessions) {
    // Whatever was queued, then close 1001 (going away): never a dropped
    // connection.
    std::optional<mv::WebSocketMessage> m;
    do {
      m = ws->Receive(60000);
      if (m) {
        EXPECT_TRUE(json::parse(m->data, nullptr, false).is_object()) << m->data;
      }
    } while (m);
    EXPECT_EQ(ws->close_code(), 1001);
  }
  EXPECT_EQ(server.Log().find("Segmentation"), std::string::npos);
  EXPECT_NE(server.Log().find("stopped"), std::string::npos) << server.Log();
}

}  // namespace
