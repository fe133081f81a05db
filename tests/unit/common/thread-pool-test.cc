// ThreadPool: every posted job runs (also those queued at destruction), lower
// priority first and FIFO among equals, and a throwing job keeps the worker.
#include "common/thread-pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace mv {
namespace {

using namespace std::chrono_literals;

// Holds the pool's only worker until Open(), so the queue order is known.
struct Gate {
  std::mutex mutex;  // guards open, entered
  std::condition_variable cv;
  bool open = false, entered = false;
  void Block() {
    std::unique_lock l(mutex);
    entered = true;
    cv.notify_all();
    cv.wait(l, [&] { return open; });
  }
  void WaitEntered() {
    std::unique_lock l(mutex);
    cv.wait(l, [&] { return entered; });
  }
  void Open() {
    std::lock_guard l(mutex);
    open = true;
    cv.notify_all();
  }
};

TEST(ThreadPool, LowerPriorityFirstThenFifo) {
  ThreadPool pool(1);
  Gate gate;
  std::mutex mutex;  // guards order
  std::vector<int> order;
  pool.Post([&] { gate.Block(); });
  gate.WaitEntered();
  auto add = [&](int v, int prio) {
    pool.Post(
        [&, v] {
          std::lock_guard l(mutex);
          order.push_back(v);
        },
        prio);
  };
  add(30, 3);
  add(10, 1);
  add(31, 3);
  add(0, 0);
  add(11, 1);
  EXPECT_EQ(pool.queued(), 5u);
  gate.Open();
  for (int i = 0; i < 60000; ++i) {
    {
      std::lock_guard l(mutex);
      if (order.size() == 5) break;
    }
    std::this_thread::sleep_for(1ms);
  }
  std::lock_guard l(mutex);
  EXPECT_EQ(order, (std::vector<int>{0, 10, 11, 30, 31}));
}

TEST(ThreadPool, DestructorRunsQueuedJobs) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 100; ++i) pool.Post([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(ThreadPool, ThrowingJobKeepsTheWorker) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    pool.Post([] { throw std::runtime_error("boom"); });
    pool.Post([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 1);
}

TEST(ThreadPool, RunsOnItsOwnThreadsInParallel) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  std::mutex mutex;  // guards ids, waiting
  std::condition_variable cv;
  std::set<std::thread::id> ids;
  int waiting = 0;
  for (int i = 0; i < 3; ++i)
    pool.Post([&] {
      std::unique_lock l(mutex);
      ids.insert(std::this_thread::get_id());
      ++waiting;
      cv.notify_all();
      // All three must be in here at once: only three threads can do that.
      cv.wait_for(l, 60s, [&] { return waiting == 3; });
    });
  std::unique_lock l(mutex);
  ASSERT_TRUE(cv.wait_for(l, 60s, [&] { return waiting == 3; }));
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
}

TEST(ThreadPool, WaitIdleWaitsForRunningAndQueuedJobs) {
  ThreadPool pool(1);
  Gate gate;
  std::atomic<int> ran{0};
  pool.Post([&] { gate.Block(); });
  pool.Post([&] { ++ran; });
  gate.WaitEntered();
  // Busy: a deadline already past reports so without waiting.
  EXPECT_FALSE(pool.WaitIdle(std::chrono::steady_clock::now()));
  gate.Open();
  EXPECT_TRUE(pool.WaitIdle(std::chrono::steady_clock::now() + 60s));
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(ThreadPool, ZeroThreadsMeansOnePerCore) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace mv
