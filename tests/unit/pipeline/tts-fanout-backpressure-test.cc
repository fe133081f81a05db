// Back-pressure in the fan-out: while its client is behind it emits nothing
// and starts no new segment, it goes on exactly where it stopped once the
// client drains, and cancellation or a vanished client never leave it stuck.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/backlog.h"
#include "pipeline/tts-fanout.h"

namespace mv {
namespace {

using namespace std::chrono_literals;

// Instant speech: each request's text is a number v; 4 chunks of 100
// samples, sample k of the segment = v + k / 1000.
class CountingTts : public Tts {
 public:
  void Synthesize(const TtsRequest& r, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override {
    ++calls;
    const float v = std::stof(r.text);
    for (int c = 0; c < 4; ++c) {
      std::vector<float> chunk(100);
      for (int i = 0; i < 100; ++i) chunk[i] = v + static_cast<float>(c * 100 + i) / 1000.f;
      if (cancel.IsCancelled() || !on_chunk(chunk.data(), chunk.size(), 16000))
        throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
    }
  }
  std::vector<std::string> Voices() const override { return {"test"}; }
  std::atomic<int> calls{0};
};

// A client's queue: every sample emitted is 2 bytes queued in `backlog`,
// drained only when the test says so.
struct Client {
  static constexpr std::size_t kLimit = 1000;  // bytes
  Backlog backlog;
  std::mutex mutex;  // guards everything below
  std::condition_variable cv;
  std::vector<float> received;
  std::vector<int> done;
  int pauses = 0;
  std::size_t over_limit_emits = 0;  // emissions while the queue was over the limit
  bool finished = false, cancelled = false;

  TtsFanoutCallbacks Callbacks() {
    TtsFanoutCallbacks cb;
    cb.on_audio = [this](int, const float* s, std::size_t n, int) {
      std::lock_guard l(mutex);
      if (backlog.bytes() > kLimit) ++over_limit_emits;
      received.insert(received.end(), s, s + n);
      backlog.Add(2 * n);
    };
    cb.on_segment_done = [this](int i, const AudioBuffer&) {
      std::lock_guard l(mutex);
      done.push_back(i);
    };
    cb.on_finished = [this](bool c) {
      std::lock_guard l(mutex);
      finished = true;
      cancelled = c;
      cv.notify_all();
    };
    cb.output_full = [this](std::function<void()> resume) {
      if (!backlog.WaitBelow(kLimit, std::move(resume))) return false;
      std::lock_guard l(mutex);
      ++pauses;
      cv.notify_all();
      return true;
    };
    return cb;
  }
  // Until the fan-out has paused `n` times (or finished).
  bool WaitPauses(int n) {
    std::unique_lock l(mutex);
    return cv.wait_for(l, 20s, [&] { return pauses >= n || finished; }) && pauses >= n;
  }
  bool WaitFinished() {
    std::unique_lock l(mutex);
    return cv.wait_for(l, 20s, [&] { return finished; });
  }
  std::size_t Received() {
    std::lock_guard l(mutex);
    return received.size();
  }
};

TtsRequest Req(int v) { return TtsRequest{std::to_string(v), "en", "", nullptr}; }

constexpr int kSegments = 12;

std::shared_ptr<TtsFanout> Start(Tts& tts, ThreadPool& pool, Client& client, CancelToken cancel,
                                 int parallelism = 2) {
  auto fan = TtsFanout::Create(tts, pool, parallelism, std::move(cancel), client.Callbacks());
  for (int i = 0; i < kSegments; ++i) fan->Add(i, Req(i));
  fan->Close();
  return fan;
}

TEST(TtsFanoutBackPressure, PausesWhileTheClientIsBehind) {
  ThreadPool pool(3);
  CountingTts tts;
  Client client;
  // One segment at a time: it pauses once a piece takes the queue over 1000
  // bytes (segments are 800 bytes, pieces 200 bytes or a whole segment).
  auto fan = Start(tts, pool, client, CancelToken(), /*parallelism=*/1);
  ASSERT_TRUE(client.WaitPauses(1));
  // The job running then finishes into the fan-out; nothing else runs.
  ASSERT_TRUE(pool.WaitIdle(std::chrono::steady_clock::now() + 20s));
  EXPECT_EQ(TtsFanout::PausedNow(), 1);
  const std::size_t queued = client.backlog.bytes();
  EXPECT_GT(queued, Client::kLimit);
  EXPECT_LE(queued, Client::kLimit + 800);   // over by one piece at most
  EXPECT_EQ(client.Received() * 2, queued);  // nothing emitted after the pause
  // Segments touched so far, plus at most the one started before the pause:
  // no new segment is pulled while the client is behind.
  const int touched = static_cast<int>((client.Received() + 399) / 400);
  EXPECT_LE(tts.calls.load(), touched + 1);
  EXPECT_LT(tts.calls.load(), kSegments);
  {
    std::lock_guard l(client.mutex);
    EXPECT_EQ(client.pauses, 1);
    EXPECT_FALSE(client.finished);
  }
  // Draining to the limit (not below) is enough to go on; it pauses again.
  client.backlog.Remove(queued - Client::kLimit);
  ASSERT_TRUE(client.WaitPauses(2));
  ASSERT_TRUE(pool.WaitIdle(std::chrono::steady_clock::now() + 20s));
  EXPECT_GT(client.Received() * 2, queued);
  client.backlog.Close();  // let it end (every waiter runs)
  ASSERT_TRUE(client.WaitFinished());
  EXPECT_EQ(client.Received(), static_cast<std::size_t>(kSegments) * 400);
}

TEST(TtsFanoutBackPressure, ResumesAsTheClientDrainsAndLosesNothing) {
  ThreadPool pool(3);
  CountingTts tts;
  Client client;
  auto fan = Start(tts, pool, client, CancelToken());
  // A slow reader: takes everything queued each time the producer pauses.
  for (int pauses = 1;; ++pauses) {
    if (!client.WaitPauses(pauses)) break;  // finished without pausing again
    client.backlog.Remove(client.backlog.bytes());
  }
  ASSERT_TRUE(client.WaitFinished());
  std::lock_guard l(client.mutex);
  EXPECT_FALSE(client.cancelled);
  EXPECT_EQ(client.over_limit_emits, 0u);  // never sent while the client was behind
  EXPECT_GE(client.pauses, 4);             // 12 x 800 bytes through a 1000-byte limit
  std::vector<int> all(kSegments);
  for (int i = 0; i < kSegments; ++i) all[i] = i;
  EXPECT_EQ(client.done, all);
  ASSERT_EQ(client.received.size(), static_cast<std::size_t>(kSegments) * 400);
  for (int i = 0; i < kSegments; ++i)  // every sample, in order
    for (int k = 0; k < 400; ++k)
      ASSERT_FLOAT_EQ(client.received[i * 400 + k], i + k / 1000.f) << i << " " << k;
  EXPECT_EQ(tts.calls.load(), kSegments);
  EXPECT_EQ(TtsFanout::PausedNow(), 0);
}

TEST(TtsFanoutBackPressure, CancelEndsAPausedFanout) {
  ThreadPool pool(3);
  CountingTts tts;
  Client client;
  CancelToken cancel;
  auto fan = Start(tts, pool, client, cancel);
  ASSERT_TRUE(client.WaitPauses(1));
  cancel.Cancel();  // barge-in or hang-up: no drain needed to end
  ASSERT_TRUE(client.WaitFinished());
  std::lock_guard l(client.mutex);
  EXPECT_TRUE(client.cancelled);
  EXPECT_LT(client.done.size(), static_cast<std::size_t>(kSegments));
}

TEST(TtsFanoutBackPressure, AClientThatLeftNeverHoldsItBack) {
  ThreadPool pool(3);
  CountingTts tts;
  Client client;
  auto fan = Start(tts, pool, client, CancelToken());
  ASSERT_TRUE(client.WaitPauses(1));
  client.backlog.Close();  // the connection went: waiters run, later waits refuse
  ASSERT_TRUE(client.WaitFinished());
  std::lock_guard l(client.mutex);
  EXPECT_EQ(client.done.size(), static_cast<std::size_t>(kSegments));
  EXPECT_EQ(client.pauses, 1);
}

}  // namespace
}  // namespace mv
