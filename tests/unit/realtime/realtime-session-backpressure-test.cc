// A realtime answer for a client that reads slowly: audio deltas stop while
// the transport's queue is over its limit and go on as it drains, and the
// client ends up with the whole answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "common/backlog.h"
#include "common/base64.h"
#include "realtime/realtime-session.h"
#include "unit/realtime/realtime-fakes.h"

namespace mv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t kLimit = 20000;  // bytes: about three 100 ms deltas

// The WebSocket's outbox as the session sees it: every event is queued
// bytes until the test "writes" them.
struct SlowSocket {
  Backlog backlog;
  std::mutex mutex;  // guards everything below
  std::condition_variable cv;
  int pauses = 0;
  std::size_t max_queued = 0;
  std::size_t audio_bytes = 0;  // pcm16 in the deltas
  bool done = false;
  json last_done;
  std::string transcript;

  void Send(const std::string& text) {
    backlog.Add(text.size());
    const json e = json::parse(text);
    std::lock_guard l(mutex);
    max_queued = std::max(max_queued, backlog.bytes());
    if (e["type"] == "response.output_audio.delta")
      audio_bytes += Base64Decode(e["delta"].get<std::string>()).size();
    if (e["type"] == "response.output_audio_transcript.done") transcript = e["transcript"];
    if (e["type"] == "response.done") {
      done = true;
      last_done = e;
    }
    cv.notify_all();
  }
  bool Full(std::function<void()> resume) {
    if (!backlog.WaitBelow(kLimit, std::move(resume))) return false;
    std::lock_guard l(mutex);
    ++pauses;
    cv.notify_all();
    return true;
  }
  // Until more than `seen` pauses, or the answer is done.
  int WaitPauseOrDone(int seen) {
    std::unique_lock l(mutex);
    cv.wait_for(l, 20s, [&] { return pauses > seen || done; });
    return pauses;
  }
};

TEST(RealtimeBackPressure, AnswerWaitsForASlowClientAndLosesNothing) {
  test::FakeAsr asr;
  test::FakeTts tts;
  test::FakeLlm llm;
  ThreadPool pool(3);
  const std::string reply =
      "The first sentence of a long answer comes here. A second one follows it closely. "
      "Then a third sentence keeps the speech going on. The fourth says a little more. "
      "And the fifth and last one ends the whole answer.";
  llm.SetReply(reply);
  auto services = test::SessionServices(asr, tts, llm, pool);
  SlowSocket socket;
  auto session = RealtimeSession::Create(
      services, false, [&](std::string t) { socket.Send(t); },
      [&](std::function<void()> resume) { return socket.Full(std::move(resume)); });
  session->Start();
  auto send = [&](const json& e) { session->OnText(e.dump()); };
  send({{"type", "conversation.item.create"},
        {"item",
         {{"type", "message"},
          {"role", "user"},
          {"content", {{{"type", "input_text"}, {"text", "talk"}}}}}}});
  send({{"type", "response.create"}});

  ASSERT_GE(socket.WaitPauseOrDone(0), 1);
  // Whatever TTS was running has finished; the answer holds the rest.
  ASSERT_TRUE(pool.WaitIdle(std::chrono::steady_clock::now() + 20s));
  std::size_t audio_at_pause;
  {
    std::lock_guard l(socket.mutex);
    EXPECT_FALSE(socket.done);
    audio_at_pause = socket.audio_bytes;
  }
  // The client reads, slowly: all that is queued each time the answer pauses.
  for (int seen = 1;;) {
    socket.backlog.Remove(socket.backlog.bytes());
    const int now = socket.WaitPauseOrDone(seen);
    std::lock_guard l(socket.mutex);
    if (now == seen) {
      ASSERT_TRUE(socket.done) << "neither paused again nor done after a drain";
      break;
    }
    seen = now;
  }
  llm.JoinAll();
  session->Close();
  std::lock_guard l(socket.mutex);
  EXPECT_EQ(socket.last_done["response"]["status"], "completed") << socket.last_done.dump();
  EXPECT_EQ(socket.transcript, reply);
  EXPECT_GE(socket.pauses, 3);
  EXPECT_GT(socket.audio_bytes, 4 * audio_at_pause);
  // Never more queued than the limit and one emission (a sentence's deltas at most).
  EXPECT_LE(socket.max_queued, kLimit + 64 * 1024);
  // All the speech: FakeTts makes 50 ms a word, 24 kHz pcm16 goes out.
  std::size_t words = 0;
  for (const TtsRequest& r : tts.requests())
    words += 1 + std::count(r.text.begin(), r.text.end(), ' ');
  const double expected = words * 0.05 * 24000 * 2;
  EXPECT_NEAR(static_cast<double>(socket.audio_bytes), expected, expected * 0.02);
}

}  // namespace
}  // namespace mv
