// Remote TTS engines are asynchronous: a fan-out on ONE compute thread keeps
// every endpoint slot busy (a wait on the network holds no thread), audio
// still leaves in order, and an engine's destructor waits out its calls in
// flight instead of freeing what they use.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "common/thread-pool.h"
#include "fakes/fake-gpt-sovits-server.h"
#include "pipeline/tts-fanout.h"
#include "remote-tts-test-util.h"
#include "support/tts-request.h"
#include "support/wait-for.h"
#include "tts/tts-gpt-sovits.h"

namespace mv {
namespace {

using mvtest::FakeGptSovitsFault;
using mvtest::FakeGptSovitsServer;

bool WaitFor(const std::function<bool()>& done) { return test::WaitFor(done, 10000); }

class RemoteTtsAsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempFolder("rtts");
    ref_ = test::WriteSpeechWav(dir_ + "/ref.wav", 4.0);
  }
  TtsConfig Config(const FakeGptSovitsServer& server, int slots) {
    TtsConfig c = test::GptSovitsConfig(ref_);
    c.remote.endpoints.push_back({server.base_url(), slots});
    return c;
  }
  std::string dir_, ref_;
};

// What a fan-out emitted.
struct Emitted {
  std::mutex mutex;  // guards order, sizes
  std::vector<int> order;
  std::vector<std::size_t> sizes;
  std::promise<bool> finished;
  TtsFanoutCallbacks Callbacks() {
    TtsFanoutCallbacks cb;
    cb.on_segment_done = [this](int index, const AudioBuffer& audio) {
      std::lock_guard lock(mutex);
      order.push_back(index);
      sizes.push_back(audio.samples.size());
    };
    cb.on_segment_failed = [this](int index, const Error&) {
      std::lock_guard lock(mutex);
      order.push_back(-1 - index);
    };
    cb.on_finished = [this](bool cancelled) { finished.set_value(cancelled); };
    return cb;
  }
};

TEST_F(RemoteTtsAsyncTest, OneComputeThreadKeepsEverySlotBusy) {
  FakeGptSovitsServer server;
  server.SetFault(FakeGptSovitsFault::kStall);  // every request waits forever
  TtsGptSovits tts(Config(server, 8));
  ASSERT_TRUE(tts.asynchronous());
  ThreadPool pool(1);
  CancelToken cancel;
  Emitted emitted;
  auto fan = TtsFanout::Create(tts, pool, 8, cancel, emitted.Callbacks());
  for (int i = 0; i < 8; ++i) fan->Add(i, test::Req("segment number " + std::to_string(i)));
  fan->Close();
  // A synthesis that held its thread while waiting would keep the other
  // seven from ever being sent.
  EXPECT_TRUE(WaitFor([&] { return server.requests().size() == 8; }))
      << server.requests().size() << " of 8 requests reached the server";
  EXPECT_EQ(tts.pool().busy(0), 8);
  auto finished = emitted.finished.get_future();
  cancel.Cancel();
  ASSERT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(finished.get());
  EXPECT_TRUE(WaitFor([&] { return tts.pool().busy(0) == 0; }));
}

TEST_F(RemoteTtsAsyncTest, SegmentsStillLeaveInOrder) {
  FakeGptSovitsServer server;
  TtsGptSovits tts(Config(server, 4));
  ThreadPool pool(1);
  Emitted emitted;
  auto fan = TtsFanout::Create(tts, pool, 4, CancelToken(), emitted.Callbacks());
  // The long first segment finishes last; it still goes first.
  fan->Add(0, test::Req("this first sentence is quite a lot longer than the others are"));
  fan->Add(1, test::Req("short"));
  fan->Add(2, test::Req("brief"));
  fan->Close();
  auto finished = emitted.finished.get_future();
  ASSERT_EQ(finished.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_FALSE(finished.get());
  std::lock_guard lock(emitted.mutex);
  EXPECT_EQ(emitted.order, (std::vector<int>{0, 1, 2}));
  for (std::size_t n : emitted.sizes) EXPECT_GT(n, 1000u);
}

TEST_F(RemoteTtsAsyncTest, TheEngineOutlivesItsCallsInFlight) {
  FakeGptSovitsServer server;
  server.SetFault(FakeGptSovitsFault::kStall);
  auto tts = std::make_unique<TtsGptSovits>(Config(server, 1));
  CancelToken cancel;
  std::atomic<bool> done{false};
  tts->SynthesizeAsync(
      test::Req("never answered"), cancel, [](const float*, std::size_t, int) { return true; },
      [&](std::optional<Error> error) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // still running: wait for it
        EXPECT_TRUE(error && error->kind() == ErrorKind::kCancelled);
        done = true;
      });
  ASSERT_TRUE(WaitFor([&] { return server.requests().size() == 1; }));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  tts.reset();  // returns only once the call has ended, its on_done included
  EXPECT_TRUE(done);
  canceller.join();
}

}  // namespace
}  // namespace mv
