// SerialQueue: one session's jobs in order, never two at once, on a shared
// pool; a cost bound refuses a flood; Stop() drops what is queued.
#include "common/serial-queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mv {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 60000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

TEST(SerialQueue, RunsInOrderOneAtATimeOnAWidePool) {
  ThreadPool pool(4);
  auto queue = SerialQueue::Create(pool, 0, 1 << 20);
  std::mutex mutex;  // guards order
  std::vector<int> order;
  std::atomic<int> inside{0}, max_inside{0};
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(queue->Post([&, i] {
      int now = ++inside;
      int seen = max_inside.load();
      while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
      }
      {
        std::lock_guard l(mutex);
        order.push_back(i);
      }
      --inside;
    }));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard l(mutex);
    return order.size() == 200;
  }));
  EXPECT_EQ(max_inside.load(), 1);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
}

TEST(SerialQueue, RefusesJobsPastTheCostBound) {
  ThreadPool pool(1);
  std::mutex mutex;  // guards open
  std::condition_variable cv;
  bool open = false;
  std::atomic<bool> blocking{false};
  auto queue = SerialQueue::Create(pool, 0, 100);
  ASSERT_TRUE(queue->Post([&] {
    blocking = true;
    std::unique_lock l(mutex);
    cv.wait(l, [&] { return open; });
  }));
  ASSERT_TRUE(WaitFor([&] { return blocking.load(); }));
  std::atomic<int> ran{0};
  EXPECT_TRUE(queue->Post([&] { ++ran; }, 60));
  EXPECT_FALSE(queue->Post([&] { ++ran; }, 60));  // 120 > 100: a flood
  EXPECT_TRUE(queue->Post([&] { ++ran; }, 40));   // exactly 100
  EXPECT_TRUE(queue->Post([&] { ++ran; }));       // cost 0 always fits
  {
    std::lock_guard l(mutex);
    open = true;
  }
  cv.notify_all();
  ASSERT_TRUE(WaitFor([&] { return ran.load() == 3; }));
  // Drained: the budget is free again.
  EXPECT_TRUE(queue->Post([&] { ++ran; }, 100));
  ASSERT_TRUE(WaitFor([&] { return ran.load() == 4; }));
}

TEST(SerialQueue, StopDropsQueuedJobsAndRefusesNewOnes) {
  auto pool = std::make_unique<ThreadPool>(1);
  std::mutex mutex;  // guards open
  std::condition_variable cv;
  bool open = false;
  std::atomic<bool> blocking{false};
  auto queue = SerialQueue::Create(*pool, 0, 1000);
  auto dropped = std::make_shared<int>(0);
  std::weak_ptr<int> weak_dropped = dropped;
  ASSERT_TRUE(queue->Post([&] {
    blocking = true;
    std::unique_lock l(mutex);
    cv.wait(l, [&] { return open; });
  }));
  ASSERT_TRUE(WaitFor([&] { return blocking.load(); }));
  std::atomic<int> ran{0};
  ASSERT_TRUE(queue->Post([&, dropped] { ++ran; }));
  dropped.reset();
  queue->Stop();
  EXPECT_TRUE(weak_dropped.expired());  // the queued closure is freed at Stop()
  EXPECT_FALSE(queue->Post([&] { ++ran; }));
  {
    std::lock_guard l(mutex);
    open = true;
  }
  cv.notify_all();
  queue.reset();
  pool.reset();  // joins: the running job finished, nothing else ran
  EXPECT_EQ(ran.load(), 0);
}

TEST(SerialQueue, ABusyQueueYieldsThePoolToOthers) {
  ThreadPool pool(1);
  auto busy = SerialQueue::Create(pool, 0, 1 << 20);
  auto other = SerialQueue::Create(pool, 0, 1 << 20);
  std::mutex mutex;  // guards log
  std::vector<char> log;
  auto note = [&](char c) {
    std::lock_guard l(mutex);
    log.push_back(c);
  };
  // The pool's single worker is held while both queues fill.
  std::mutex gate_mutex;  // guards open
  std::condition_variable gate_cv;
  bool open = false;
  pool.Post([&] {
    std::unique_lock l(gate_mutex);
    gate_cv.wait(l, [&] { return open; });
  });
  for (int i = 0; i < 100; ++i) busy->Post([&] { note('b'); });
  other->Post([&] { note('o'); });
  {
    std::lock_guard l(gate_mutex);
    open = true;
  }
  gate_cv.notify_all();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard l(mutex);
    return log.size() == 101;
  }));
  std::lock_guard l(mutex);
  auto pos = std::find(log.begin(), log.end(), 'o') - log.begin();
  EXPECT_LT(pos, 100);  // not starved until the busy queue ran dry
}

}  // namespace
}  // namespace mv
