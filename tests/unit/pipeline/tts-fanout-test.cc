// Ordered parallel TTS: audio leaves strictly in segment order even when
// later segments finish first; the head streams; failures retry once, then
// are reported; cancellation stops everything.
#include "pipeline/tts-fanout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace mv {
namespace {

using namespace std::chrono_literals;

// A Tts double: each request's text is "<ms>:<value>"; it sleeps <ms> in 4
// steps, emitting a quarter of 400 samples of <value> each time. "fail"
// fails every time, "flaky" fails the first attempt only.
class SlowTts : public Tts {
 public:
  void Synthesize(const TtsRequest& r, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override {
    ++calls;
    int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    struct Guard {
      std::atomic<int>& r;
      ~Guard() { --r; }
    } guard{running};
    if (r.text == "fail") throw Error(ErrorKind::kUpstream, "tts_failed", "engine down");
    if (r.text.starts_with("flaky") && flaky_failures++ == 0)
      throw Error(ErrorKind::kUpstream, "tts_failed", "transient");
    std::string head = r.text.substr(0, r.text.find(':'));
    int ms = std::isdigit(static_cast<unsigned char>(head[0])) ? std::stoi(head) : 20;
    float value = std::stof(r.text.substr(r.text.find(':') + 1));
    std::vector<float> quarter(100, value);
    for (int i = 0; i < 4; ++i) {
      // In slices, as an engine polls its token while it works.
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms / 4);
      while (std::chrono::steady_clock::now() < until && !cancel.IsCancelled())
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5, ms / 4 + 1)));
      if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
      if (!on_chunk(quarter.data(), quarter.size(), 16000))
        throw Error(ErrorKind::kCancelled, "cancelled", "stopped");
    }
  }
  std::vector<std::string> Voices() const override { return {"test"}; }

  std::atomic<int> calls{0}, running{0}, max_running{0}, flaky_failures{0};
};

struct Recorder {
  std::mutex mutex;  // guards everything below (callbacks come from pool threads)
  std::condition_variable cv;
  std::vector<int> done_order;
  std::vector<int> failed;
  std::vector<std::pair<int, size_t>> audio;  // (segment, samples) in arrival order
  std::vector<float> values;                  // first sample value per on_audio call
  bool finished = false, cancelled = false;

  TtsFanoutCallbacks Callbacks() {
    TtsFanoutCallbacks cb;
    cb.on_audio = [this](int i, const float* s, size_t n, int) {
      std::lock_guard l(mutex);
      audio.emplace_back(i, n);
      values.push_back(s[0]);
    };
    cb.on_segment_done = [this](int i, const AudioBuffer& a) {
      std::lock_guard l(mutex);
      done_order.push_back(i);
    };
    cb.on_segment_failed = [this](int i, const Error&) {
      std::lock_guard l(mutex);
      failed.push_back(i);
    };
    cb.on_finished = [this](bool c) {
      std::lock_guard l(mutex);
      finished = true;
      cancelled = c;
      cv.notify_all();
    };
    return cb;
  }
  bool WaitFinished() {
    std::unique_lock l(mutex);
    return cv.wait_for(l, 10s, [this] { return finished; });
  }
};

TtsRequest Req(const std::string& text) { return TtsRequest{text, "en", "", nullptr}; }

TEST(TtsFanout, EmitsInOrderWhenLaterSegmentsFinishFirst) {
  ThreadPool pool(4);
  SlowTts tts;
  Recorder rec;
  auto fan = TtsFanout::Create(tts, pool, 4, CancelToken(), rec.Callbacks());
  fan->Add(0, Req("200:0.1"));
  fan->Add(1, Req("40:0.2"));
  fan->Add(2, Req("40:0.3"));
  fan->Add(3, Req("120:0.4"));
  fan->Close();
  ASSERT_TRUE(rec.WaitFinished());
  EXPECT_EQ(rec.done_order, (std::vector<int>{0, 1, 2, 3}));
  int last = -1;
  size_t total = 0;
  for (auto [i, n] : rec.audio) {
    EXPECT_GE(i, last);
    last = i;
    total += n;
  }
  EXPECT_EQ(total, 1600u);
  EXPECT_GE(tts.max_running.load(), 3);  // really in parallel
  EXPECT_FALSE(rec.cancelled);
}

TEST(TtsFanout, HeadSegmentStreamsBeforeItIsComplete) {
  ThreadPool pool(2);
  SlowTts tts;
  Recorder rec;
  auto fan = TtsFanout::Create(tts, pool, 2, CancelToken(), rec.Callbacks());
  fan->Add(0, Req("400:0.1"));
  fan->Close();
  ASSERT_TRUE(rec.WaitFinished());
  // Four chunks arrived as four separate on_audio calls, not one at the end.
  EXPECT_EQ(rec.audio.size(), 4u);
}

TEST(TtsFanout, RespectsParallelismLimit) {
  ThreadPool pool(8);
  SlowTts tts;
  Recorder rec;
  auto fan = TtsFanout::Create(tts, pool, 2, CancelToken(), rec.Callbacks());
  for (int i = 0; i < 6; ++i) fan->Add(i, Req("40:0.5"));
  fan->Close();
  ASSERT_TRUE(rec.WaitFinished());
  EXPECT_LE(tts.max_running.load(), 2);
  EXPECT_EQ(rec.done_order.size(), 6u);
}

TEST(TtsFanout, FailedSegmentIsRetriedOnceThenReported) {
  ThreadPool pool(2);
  SlowTts tts;
  Recorder rec;
  auto fan = TtsFanout::Create(tts, pool, 2, CancelToken(), rec.Callbacks());
  fan->Add(0, Req("flaky:0.1"));  // fails once, retry succeeds
  fan->Add(1, Req("fail"));       // fails twice: reported
  fan->Add(2, Req("20:0.3"));
  fan->Close();
  ASSERT_TRUE(rec.WaitFinished());
  EXPECT_EQ(rec.done_order, (std::vector<int>{0, 2}));
  EXPECT_EQ(rec.failed, (std::vector<int>{1}));
  EXPECT_EQ(fan->retries(), 2);
}

TEST(TtsFanout, CancelStopsQueuedAndRunningWork) {
  ThreadPool pool(2);
  SlowTts tts;
  Recorder rec;
  CancelToken cancel;
  auto fan = TtsFanout::Create(tts, pool, 1, cancel, rec.Callbacks());
  // 60 s per segment: finishing within WaitFinished's 10 s means the running
  // one stopped at the token rather than ran out.
  for (int i = 0; i < 10; ++i) fan->Add(i, Req("60000:0.1"));
  fan->Close();
  for (int i = 0; i < 10000 && tts.running.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(tts.running.load(), 1);
  cancel.Cancel();
  ASSERT_TRUE(rec.WaitFinished());
  EXPECT_TRUE(rec.cancelled);
  EXPECT_EQ(tts.calls.load(), 1);  // queued segments never started
}

// The owner drops its last reference inside on_finished (ChatTurn does): the
// fan-out must outlive that callback, whichever call reached it.
TEST(TtsFanout, OutlivesOnFinishedThatDropsTheOwner) {
  for (bool with_segment : {false, true}) {
    ThreadPool pool(2);
    SlowTts tts;
    std::shared_ptr<TtsFanout> owner;
    std::weak_ptr<TtsFanout> weak;
    std::atomic<bool> alive_in_callback{false}, finished{false};
    TtsFanoutCallbacks cb;
    cb.on_finished = [&](bool) {
      owner.reset();
      alive_in_callback = !weak.expired();
      finished = true;
    };
    owner = TtsFanout::Create(tts, pool, 1, CancelToken(), std::move(cb));
    weak = owner;
    auto* raw = owner.get();
    if (with_segment) raw->Add(0, Req("4:0.1"));  // finishes on a pool thread or in Close()
    raw->Close();
    for (int i = 0; i < 10000 && !finished; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(finished);
    EXPECT_TRUE(alive_in_callback);
    for (int i = 0; i < 10000 && !weak.expired(); ++i) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(weak.expired());  // and is freed once the call returns
  }
}

}  // namespace
}  // namespace mv
