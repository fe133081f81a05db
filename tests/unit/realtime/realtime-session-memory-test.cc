// A session-long cancel token does not grow with the session: 10,000 turns
// whose ASR registers on it (as the remote engines do for every call) leave
// it holding no more callbacks than the first turn did.
#include <gtest/gtest.h>

#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "realtime/realtime-session.h"
#include "unit/realtime/realtime-fakes.h"

namespace mv {
namespace {

using json = nlohmann::json;

// Registers on the token for the length of each call, as WebSocketClient and
// HttpClient do, and records what the token holds at that moment.
class RegisteringAsr : public Asr {
 public:
  int SampleRate() const override { return 16000; }
  AsrResult Transcribe(const AudioBuffer&, const CancelToken& cancel) override {
    auto hook = cancel.OnCancel([] {});
    std::lock_guard lock(mutex_);
    held_.push_back(cancel.registrations());
    return {"hello there", "en"};
  }
  std::vector<std::size_t> held() const {
    std::lock_guard lock(mutex_);
    return held_;
  }

 private:
  mutable std::mutex mutex_;  // guards held_
  std::vector<std::size_t> held_;
};

TEST(RealtimeSessionMemory, TenThousandTurnsKeepTheSessionTokenFlat) {
  constexpr int kTurns = 10000;
  RegisteringAsr asr;
  test::FakeTts tts;
  test::FakeLlm llm;
  ThreadPool pool(2);
  auto services = test::SessionServices(asr, tts, llm, pool);
  test::EventLog log;
  auto session = RealtimeSession::Create(services, false, [&](std::string t) { log.Add(t); });
  session->Start();
  auto send = [&](const json& e) { session->OnText(e.dump()); };
  send({{"type", "session.update"}, {"session", {{"turn_detection", nullptr}}}});
  ASSERT_GE(log.WaitForType("session.updated", 0, 60000), 0);
  const std::vector<float> quiet(4800, 0.0f);  // 200 ms at 24 kHz
  const json append = {{"type", "input_audio_buffer.append"},
                       {"audio", Base64Encode(ToPcm16(quiet.data(), quiet.size()))}};
  for (int turn = 0; turn < kTurns; ++turn) {
    const std::size_t from = log.size();
    send(append);
    send({{"type", "input_audio_buffer.commit"}});
    ASSERT_GE(log.WaitForType("conversation.item.input_audio_transcription.completed", from, 60000),
              0)
        << "turn " << turn;
  }
  session->Close();
  session.reset();
  pool.WaitIdle(std::chrono::steady_clock::now() + std::chrono::seconds(60));  // before `log` goes
  const auto held = asr.held();
  ASSERT_EQ(held.size(), static_cast<std::size_t>(kTurns));
  // Only the call's own registration (plus whatever the session keeps for
  // itself), the same on the last turn as on the first.
  EXPECT_EQ(held.back(), held.front());
  EXPECT_LE(held.back(), 4u);
  llm.JoinAll();
}

}  // namespace
}  // namespace mv
