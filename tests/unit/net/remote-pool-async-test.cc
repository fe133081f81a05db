// RemotePool::RunAsync: the coroutine face of the pool. Its waits hold no
// thread (fifty calls on one endpoint slot, all started from this thread),
// and it fails over, times out and cancels as Run() does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "common/task.h"
#include "net/remote-pool.h"
#include "remote-pool-test-util.h"
#include "support/wait-for.h"

namespace mv {
namespace {

using ::testing::HasSubstr;

RemotePoolConfig Config(std::vector<int> limits) { return test::PoolConfig(limits); }

// Attempts that suspend until the test opens them, one at a time.
class Gates {
 public:
  Task<void> Attempt(int endpoint) {
    {
      std::lock_guard lock(mutex_);
      endpoints_.push_back(endpoint);
    }
    co_await Callback<int>([this](Callback<int>::Resume resume) {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(resume));
    });
  }
  int held() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(held_.size());
  }
  void OpenOne() {
    Callback<int>::Resume resume;
    {
      std::lock_guard lock(mutex_);
      resume = std::move(held_.front());
      held_.pop_front();
    }
    resume(0);
  }
  std::vector<int> endpoints() {
    std::lock_guard lock(mutex_);
    return endpoints_;
  }

 private:
  std::mutex mutex_;  // guards held_, endpoints_
  std::deque<Callback<int>::Resume> held_;
  std::vector<int> endpoints_;
};

// One spawned call's outcome.
struct Outcome {
  std::mutex mutex;  // guards done, error
  bool done = false;
  std::optional<Error> error;
  void Set(std::exception_ptr e) {
    std::lock_guard lock(mutex);
    done = true;
    if (e) error = AsError(e);
  }
  bool Done() {
    std::lock_guard lock(mutex);
    return done;
  }
};

using test::WaitFor;

RemotePool::AsyncAttempt Through(Gates& gates) {
  return [&gates](int endpoint, std::string) { return gates.Attempt(endpoint); };
}

TEST(RemotePoolAsyncTest, FiftyCallsOnOneSlotWaitWithoutAThread) {
  RemotePool pool(Config({1}));
  Gates gates;
  constexpr int kCalls = 50;
  std::vector<Outcome> outcomes(kCalls);
  // All from this thread: a wait that blocked would never return here.
  for (int i = 0; i < kCalls; ++i)
    Spawn(pool.RunAsync(CancelToken(), Through(gates)),
          [&outcomes, i](std::exception_ptr e) { outcomes[i].Set(e); });
  EXPECT_EQ(gates.held(), 1);
  EXPECT_EQ(pool.waiting(), kCalls - 1);
  EXPECT_EQ(pool.busy(0), 1);
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(gates.held(), 1) << "call " << i;
    gates.OpenOne();  // ends call i; its slot goes to the next in line at once
    EXPECT_TRUE(outcomes[i].Done());
    EXPECT_FALSE(outcomes[i].error) << outcomes[i].error->what();
  }
  EXPECT_EQ(pool.waiting(), 0);
  EXPECT_EQ(pool.busy(0), 0);
}

// Fails with `error` when run on endpoint 0; waits at the gate elsewhere.
class FirstFails {
 public:
  explicit FirstFails(Error error) : error_(std::move(error)) {}
  Task<void> Attempt(int endpoint) {
    tried_.push_back(endpoint);
    if (endpoint == 0) throw error_;
    co_return;
  }
  std::vector<int> tried_;

 private:
  Error error_;
};

TEST(RemotePoolAsyncTest, FailsOverOnEndpointTroubleOnly) {
  RemotePool pool(Config({1, 1}));
  FirstFails broken(Error(ErrorKind::kUpstream, "x", "502 from the first"));
  Outcome out;
  Spawn(pool.RunAsync(CancelToken(), [&](int e, std::string) { return broken.Attempt(e); }),
        [&](std::exception_ptr e) { out.Set(e); });
  ASSERT_TRUE(out.Done());
  EXPECT_FALSE(out.error);
  EXPECT_EQ(broken.tried_, (std::vector<int>{0, 1}));
  EXPECT_EQ(pool.failovers(), 1);
  EXPECT_TRUE(pool.cooling_down(0));

  RemotePool pool2(Config({1, 1}));
  FirstFails refused(Error(ErrorKind::kInvalidInput, "bad", "the request's fault"));
  Outcome out2;
  Spawn(pool2.RunAsync(CancelToken(), [&](int e, std::string) { return refused.Attempt(e); }),
        [&](std::exception_ptr e) { out2.Set(e); });
  ASSERT_TRUE(out2.Done());
  ASSERT_TRUE(out2.error);
  EXPECT_EQ(out2.error->code(), "bad");
  EXPECT_EQ(refused.tried_, (std::vector<int>{0}));
  EXPECT_FALSE(pool2.cooling_down(0));
}

TEST(RemotePoolAsyncTest, CancelAndQueueTimeoutEndAWait) {
  RemotePoolConfig c = Config({1});
  c.queue_timeout_ms = 150;
  c.name = "tts";
  RemotePool pool(c);
  Gates gates;
  Outcome holder, cancelled, timed_out;
  Spawn(pool.RunAsync(CancelToken(), Through(gates)), [&](std::exception_ptr e) { holder.Set(e); });
  CancelToken cancel;
  Spawn(pool.RunAsync(cancel, Through(gates)), [&](std::exception_ptr e) { cancelled.Set(e); });
  Spawn(pool.RunAsync(CancelToken(), Through(gates)),
        [&](std::exception_ptr e) { timed_out.Set(e); });
  EXPECT_EQ(pool.waiting(), 2);
  cancel.Cancel();
  ASSERT_TRUE(cancelled.Done());  // on this thread, at once
  ASSERT_TRUE(cancelled.error);
  EXPECT_EQ(cancelled.error->kind(), ErrorKind::kCancelled);
  ASSERT_TRUE(WaitFor([&] { return timed_out.Done(); }));
  ASSERT_TRUE(timed_out.error);
  EXPECT_EQ(timed_out.error->kind(), ErrorKind::kTimeout);
  EXPECT_THAT(timed_out.error->what(), HasSubstr("tts: no endpoint slot came free in 150 ms"));
  EXPECT_EQ(pool.waiting(), 0);
  gates.OpenOne();
  ASSERT_TRUE(holder.Done());
  EXPECT_FALSE(holder.error);
  EXPECT_EQ(gates.endpoints(), (std::vector<int>{0}));  // the ended waits never ran
}

}  // namespace
}  // namespace mv
