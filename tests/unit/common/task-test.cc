// Task: lazy coroutines that carry values and exceptions to their awaiter,
// Spawn() and RunBlocking() at the top, Callback to await any callback API
// (resumed from another thread, or before its start has returned). The
// coroutine lambdas here finish while the lambda object lives.
#include "common/task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "common/error.h"

namespace mv {
namespace {

Task<int> Number(int n) { co_return n; }

Task<int> Sum(int a, int b) {
  const int x = co_await Number(a);
  const int y = co_await Number(b);
  co_return x + y;
}

Task<void> Fails() {
  throw Error(ErrorKind::kUpstream, "down", "the server is down");
  co_return;
}

Task<std::string> Catches() {
  std::string seen;
  try {
    co_await Fails();
  } catch (const Error& e) {
    seen = e.code();
  }
  co_return seen;
}

TEST(TaskTest, ValuesAndExceptionsReachTheAwaiter) {
  int sum = 0;
  std::string caught;
  auto body = [&]() -> Task<void> {  // awaited at once below: its frame outlives it
    sum = co_await Sum(2, 3);
    caught = co_await Catches();
  };
  RunBlocking(body());
  EXPECT_EQ(sum, 5);
  EXPECT_EQ(caught, "down");
  try {
    RunBlocking(Fails());
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "down");
  }
}

TEST(TaskTest, NothingRunsUntilAwaitedOrSpawned) {
  bool ran = false;
  auto make = [&]() -> Task<void> {
    ran = true;
    co_return;
  };
  {
    Task<void> t = make();
    EXPECT_FALSE(ran);
  }  // destroyed unstarted: nothing runs, nothing leaks
  EXPECT_FALSE(ran);
  std::exception_ptr error = std::make_exception_ptr(1);
  Spawn(make(), [&](std::exception_ptr e) { error = e; });
  EXPECT_TRUE(ran);
  EXPECT_FALSE(error);
}

// Resumes from another thread, as a network completion does.
Task<int> FromAnotherThread(std::thread* worker) {
  const int v = co_await Callback<int>([worker](Callback<int>::Resume resume) {
    *worker = std::thread([resume] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      resume(42);
    });
  });
  co_return v;
}

TEST(TaskTest, CallbackResumesOnTheCompletingThread) {
  std::thread worker;
  std::atomic<int> got{0};
  std::thread::id resumed_on;
  std::atomic<bool> done{false};
  auto body = [&]() -> Task<void> {
    got = co_await FromAnotherThread(&worker);
    resumed_on = std::this_thread::get_id();
  };
  Spawn(body(), [&](std::exception_ptr) { done = true; });
  // Spawn returned at the first wait; the rest ran on the worker.
  while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::thread::id worker_id = worker.get_id();
  worker.join();
  EXPECT_EQ(got, 42);
  EXPECT_EQ(resumed_on, worker_id);
}

TEST(TaskTest, ACallbackMayResumeBeforeItsStartReturns) {
  int v = 0;
  auto body = [&]() -> Task<void> {
    v = co_await Callback<int>([](Callback<int>::Resume resume) { resume(7); });
  };
  RunBlocking(body());
  EXPECT_EQ(v, 7);
}

// The house rule (task.h): a brace-initialised aggregate is named before
// it goes into a co_await, never a temporary there (GCC 12 destroys such a
// temporary twice). This pins the pattern the engines use.
std::atomic<int> live{0};
struct Tracked {
  Tracked() { ++live; }
  Tracked(const Tracked&) { ++live; }
  ~Tracked() { --live; }
};
struct Call {
  const int* in;
  Tracked tracked;
};
Task<int> Use(const Call& call) { co_return *call.in; }

TEST(TaskTest, NamedAggregatesAreDestroyedOnce) {
  int out = 0;
  auto body = [&]() -> Task<void> {
    const int in = 9;
    Call call{&in, Tracked()};
    out = co_await Use(call);
  };
  RunBlocking(body());
  EXPECT_EQ(out, 9);
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace mv
