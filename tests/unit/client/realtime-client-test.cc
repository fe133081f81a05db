// The realtime client's protocol logic against a scripted server: turns,
// barge-in flushing, push-to-talk, errors, and the connection failures a
// user meets (refused, wrong path, TLS).
#include "client/realtime-client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>

#include "audio/audio-encoder.h"
#include "client/file-audio-source.h"
#include "fake-realtime-server.h"
#include "support/server-process.h"

namespace {

using json = nlohmann::json;
using mvtest::FakeRealtimeServer;
using mvtest::FakeRealtimeSession;

// Records what the client played and when it flushed.
class RecordingSink : public mv::AudioSink {
 public:
  void Play(const float*, std::size_t n) override {
    std::lock_guard lock(mutex_);
    log_.push_back("play " + std::to_string(n));
    played_ += n;
  }
  void Flush() override {
    std::lock_guard lock(mutex_);
    log_.push_back("flush");
  }
  void Finish() override { finished_ = true; }
  std::size_t played() const {
    std::lock_guard lock(mutex_);
    return played_;
  }
  std::vector<std::string> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  bool finished() const { return finished_; }

 private:
  mutable std::mutex mutex_;  // guards log_, played_
  std::vector<std::string> log_;
  std::size_t played_ = 0;
  std::atomic<bool> finished_{false};
};

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

RunResult RunClient(mv::ClientConfig config, mv::AudioSource* source, mv::AudioSink* sink,
                    const std::atomic<bool>* stop = nullptr) {
  std::ostringstream out, err;
  static const std::atomic<bool> never{false};
  mv::RealtimeClient client(std::move(config), source, sink, out, err);
  RunResult r;
  r.code = client.Run(stop ? *stop : never);
  r.out = out.str();
  r.err = err.str();
  return r;
}

mv::ClientConfig TextConfig(const std::string& url, std::vector<std::string> texts = {"hello"}) {
  mv::ClientConfig c;
  c.url = url;
  c.texts = std::move(texts);
  return c;
}

TEST(RealtimeClient, TextTurnPrintsBothSidesLatencyAndPlaysTheAudio) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    json item = s.Expect("conversation.item.create");
    ASSERT_FALSE(item.is_null());
    EXPECT_EQ(item["item"]["content"][0]["text"], "what time is it");
    ASSERT_FALSE(s.Expect("response.create").is_null());
    s.SendResponse("resp_1", "It is noon.", 4);
  });
  RecordingSink sink;
  auto r = RunClient(TextConfig(server.url(), {"what time is it"}), nullptr, &sink);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("you: what time is it\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("assistant: It is noon.\n"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("latency: asr 120 ms, llm first token 310 ms, first audio 420 ms, done 900 ms"),
      std::string::npos)
      << r.out;
  EXPECT_EQ(sink.played(), 4u * 480);
  EXPECT_TRUE(sink.finished());
}

TEST(RealtimeClient, SessionUpdateCarriesVoiceInstructionsAndVad) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.SendResponse("resp_1", "ok", 1);
  });
  mv::ClientConfig c = TextConfig(server.url());
  c.voice = "rms";
  c.instructions = "Be brief.";
  c.vad_threshold = 0.7;
  c.silence_ms = 800;
  auto r = RunClient(c, nullptr, nullptr);
  ASSERT_EQ(r.code, 0) << r.err;
  server.Wait();
  json session = server.sessions().at(0)->session_update()["session"];
  EXPECT_EQ(session["instructions"], "Be brief.");
  EXPECT_EQ(session["audio"]["output"]["voice"], "rms");
  EXPECT_EQ(session["audio"]["input"]["turn_detection"]["type"], "server_vad");
  EXPECT_EQ(session["audio"]["input"]["turn_detection"]["threshold"], 0.7);
  EXPECT_EQ(session["audio"]["input"]["turn_detection"]["silence_duration_ms"], 800);
  EXPECT_EQ(session["audio"]["input"]["format"]["rate"], 24000);
}

TEST(RealtimeClient, SeveralTextTurnsGoOneAfterTheOther) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    for (int i = 0; i < 2; ++i) {
      json item = s.Expect("conversation.item.create");
      ASSERT_FALSE(item.is_null());
      s.Expect("response.create");
      s.SendResponse("resp_" + std::to_string(i), "answer " + std::to_string(i), 1);
    }
  });
  auto r = RunClient(TextConfig(server.url(), {"first", "second"}), nullptr, nullptr);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_LT(r.out.find("assistant: answer 0"), r.out.find("you: second")) << r.out;
  EXPECT_NE(r.out.find("assistant: answer 1"), std::string::npos) << r.out;
}

TEST(RealtimeClient, SpeechStartedFlushesPlaybackAndDropsTheCancelledAudio) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.Send({{"type", "response.created"}, {"response", {{"id", "resp_1"}}}});
    s.SendAudio("resp_1", 5, 0.2f);
    s.Send({{"type", "input_audio_buffer.speech_started"}, {"audio_start_ms", 900}});
    s.SendAudio("resp_1", 3, 0.2f);  // in flight before the cancel: never heard
    s.Send({{"type", "response.done"},
            {"response",
             {{"id", "resp_1"},
              {"status", "cancelled"},
              {"status_details", {{"type", "cancelled"}, {"reason", "turn_detected"}}}}}});
    s.Send({{"type", "conversation.item.input_audio_transcription.completed"},
            {"transcript", "stop please"}});
    s.SendResponse("resp_2", "Okay.", 2);
  });
  RecordingSink sink;
  auto r = RunClient(TextConfig(server.url()), nullptr, &sink);
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> expected(5, "play 480");
  expected.push_back("flush");
  expected.insert(expected.end(), 2, "play 480");
  EXPECT_EQ(sink.log(), expected);
  EXPECT_NE(r.out.find("(interrupted)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("you: stop please"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("assistant: Okay."), std::string::npos) << r.out;
}

TEST(RealtimeClient, SpeechStartedAlsoStopsAnAnswerThatIsOnlyQueued) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.SendResponse("resp_1", "A long answer.", 3);  // done on the wire, still playing
    s.Send({{"type", "input_audio_buffer.speech_started"}});
    s.Expect("response.create");
    s.SendResponse("resp_2", "Next.", 1);
  });
  RecordingSink sink;
  auto r = RunClient(TextConfig(server.url(), {"one", "two"}), nullptr, &sink);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(sink.log(),
            (std::vector<std::string>{"play 480", "play 480", "play 480", "flush", "play 480"}));
}

std::string WriteTone(double seconds, int rate) {
  mv::AudioBuffer tone;
  tone.sample_rate = rate;
  for (int i = 0; i < static_cast<int>(seconds * rate); ++i)
    tone.samples.push_back(0.3f * static_cast<float>(std::sin(2 * M_PI * 300.0 * i / rate)));
  std::string path = mvtest::TempDir() + "/tone.wav";
  mvtest::WriteFile(path, mv::EncodeAudio(tone, mv::AudioFormat::kWav));
  return path;
}

TEST(RealtimeClient, PushToTalkFileIsOneCommittedTurn) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    ASSERT_FALSE(s.Expect("input_audio_buffer.commit").is_null());
    ASSERT_FALSE(s.Expect("response.create").is_null());
    s.SendResponse("resp_1", "Heard you.", 1);
  });
  mv::FileSourceOptions options;
  options.trailing_silence = false;
  options.real_time = false;
  mv::FileAudioSource source(WriteTone(0.5, 16000), options);
  mv::ClientConfig c;
  c.url = server.url();
  c.input_file = "tone.wav";
  c.push_to_talk = true;
  auto r = RunClient(c, &source, nullptr);
  EXPECT_EQ(r.code, 0) << r.err;
  server.Wait();
  auto session = server.sessions().at(0);
  EXPECT_TRUE(session->session_update()["session"]["audio"]["input"]["turn_detection"].is_null());
  // Lead-in + the file, every sample, before the commit.
  EXPECT_EQ(session->appended_samples(), static_cast<int>(source.duration_seconds() * 24000 + 0.5));
}

TEST(RealtimeClient, FileWithServerVadStreamsUntilTheAnswer) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    // Wait for the whole 0.3 s file (+ lead-in) and some trailing silence.
    for (int i = 0; i < 200 && s.appended_samples() < 24000 * 0.7; ++i)
      s.Expect("input_audio_buffer.append", 50);
    s.Send({{"type", "input_audio_buffer.speech_started"}});
    s.Send({{"type", "input_audio_buffer.speech_stopped"}});
    s.Send({{"type", "conversation.item.input_audio_transcription.completed"},
            {"transcript", "a tone"}});
    s.SendResponse("resp_1", "Nice tone.", 1);
  });
  mv::FileAudioSource source(WriteTone(0.3, 24000));
  mv::ClientConfig c;
  c.url = server.url();
  c.input_file = "tone.wav";
  auto r = RunClient(c, &source, nullptr);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("you: a tone\nassistant: Nice tone.\n"), std::string::npos) << r.out;
}

TEST(RealtimeClient, ErrorEventAndFailedResponseExitNonZero) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.Send({{"type", "error"},
            {"error",
             {{"type", "server_error"}, {"code", "llm_unavailable"}, {"message", "LLM down"}}}});
    s.Send({{"type", "response.done"}, {"response", {{"id", "r"}, {"status", "failed"}}}});
  });
  auto r = RunClient(TextConfig(server.url()), nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("llm_unavailable: LLM down"), std::string::npos) << r.err;
}

TEST(RealtimeClient, RefusedVoiceStopsAtSetup) {
  FakeRealtimeServer server([](FakeRealtimeSession&) {});
  mv::ClientConfig c = TextConfig(server.url());
  c.voice = "no-such-voice";
  auto r = RunClient(c, nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown_voice"), std::string::npos) << r.err;
}

TEST(RealtimeClient, ServerClosingMidTurnIsAFailure) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.ws().Close(1011, "boom");
  });
  auto r = RunClient(TextConfig(server.url()), nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("closed the connection (code 1011, boom)"), std::string::npos) << r.err;
}

TEST(RealtimeClient, SilentServerTimesOut) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) { s.Expect("nothing", 3000); });
  mv::ClientConfig c = TextConfig(server.url());
  c.timeout_s = 1;
  auto r = RunClient(c, nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no answer from the server for 1 s"), std::string::npos) << r.err;
}

TEST(RealtimeClient, StopClosesCleanly) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) { s.Expect("nothing", 5000); });
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  auto r = RunClient(TextConfig(server.url()), nullptr, nullptr, &stop);
  stopper.join();
  EXPECT_EQ(r.code, 130);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  server.Wait();
  EXPECT_EQ(server.sessions().at(0)->ws().close_code(), 1000);
}

TEST(RealtimeClient, StopWhileConnectingDoesNotWaitForTheTimeout) {
  // A listener that never accepts: the upgrade hangs until cancelled (without
  // the cancel it would end in a connect timeout, code 1).
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  auto r = RunClient(TextConfig("ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/"),
                     nullptr, nullptr, &stop);
  stopper.join();
  close(fd);
  EXPECT_EQ(r.code, 130);
  EXPECT_NE(r.err.find("interrupted while connecting"), std::string::npos) << r.err;
}

TEST(RealtimeClient, RefusedConnectionSaysSo) {
  auto r = RunClient(TextConfig("ws://127.0.0.1:1/v1/realtime"), nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mirrorvox serve"), std::string::npos) << r.err;
}

TEST(RealtimeClient, WrongPathSaysSo) {
  FakeRealtimeServer server([](FakeRealtimeSession&) {});
  auto r = RunClient(TextConfig("ws://127.0.0.1:" + std::to_string(server.port()) + "/v1/chat"),
                     nullptr, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("instead of a WebSocket upgrade"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/v1/realtime"), std::string::npos) << r.err;
}

TEST(RealtimeClient, HttpBaseUrlReachesTheEndpoint) {
  FakeRealtimeServer server([](FakeRealtimeSession& s) {
    s.Expect("response.create");
    s.SendResponse("resp_1", "hi", 1);
  });
  auto r =
      RunClient(TextConfig("http://127.0.0.1:" + std::to_string(server.port())), nullptr, nullptr);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(RealtimeClient, WssNeedsTheCaFileOrInsecure) {
  FakeRealtimeServer server(
      [](FakeRealtimeSession& s) {
        s.Expect("response.create");
        s.SendResponse("resp_1", "secure hello", 1);
      },
      /*tls=*/true);
  auto refused = RunClient(TextConfig(server.url()), nullptr, nullptr);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--insecure"), std::string::npos) << refused.err;

  mv::ClientConfig with_ca = TextConfig(server.url());
  with_ca.ca_file = server.cert_file();
  auto r = RunClient(with_ca, nullptr, nullptr);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("secure hello"), std::string::npos) << r.out;

  mv::ClientConfig insecure = TextConfig(server.url());
  insecure.insecure = true;
  EXPECT_EQ(RunClient(insecure, nullptr, nullptr).code, 0);
}

}  // namespace
