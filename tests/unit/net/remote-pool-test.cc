// RemotePool: per-endpoint limits, least-busy dispatch, failover, cool-down
// and its early end by a health check, and waiting that honours cancel and
// the queue timeout. Attempts are plain functions here; real HTTP only for
// the health checks.
#include "net/remote-pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "remote-pool-test-util.h"
#include "server/http-server.h"
#include "support/wait-for.h"

namespace mv {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

RemotePoolConfig Config(std::vector<int> limits) { return test::PoolConfig(limits); }

// Attempts that hold their slot until released, counting who runs where.
class Holder {
 public:
  std::function<void(int, const std::string&)> Attempt() {
    return [this](int endpoint, const std::string&) {
      std::unique_lock lock(mutex_);
      ++running_[endpoint];
      ++started_;
      max_running_[endpoint] = std::max(max_running_[endpoint], running_[endpoint]);
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_ > 0; });
      --released_;
      --running_[endpoint];
    };
  }
  void Release(int n) {
    std::lock_guard lock(mutex_);
    released_ += n;
    cv_.notify_all();
  }
  bool WaitStarted(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return started_ >= n; });
  }
  int running(int e) {
    std::lock_guard lock(mutex_);
    return running_[e];
  }
  int max_running(int e) {
    std::lock_guard lock(mutex_);
    return max_running_[e];
  }

 private:
  std::mutex mutex_;  // guards everything below
  std::condition_variable cv_;
  std::map<int, int> running_, max_running_;
  int started_ = 0;
  int released_ = 0;
};

using test::WaitFor;

TEST(RemotePoolTest, ValidateNamesTheKey) {
  auto error = [](const RemotePoolConfig& c) {
    try {
      c.Validate("tts");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  RemotePoolConfig c;
  EXPECT_THAT(error(c), HasSubstr("tts.endpoints: at least one endpoint"));
  c = Config({1, 0});
  EXPECT_THAT(error(c), HasSubstr("tts.endpoints[1].max_concurrency: must be between 1 and"));
  c = Config({1});
  c.endpoints[0].url = "gpu1:9880";
  EXPECT_THAT(error(c), HasSubstr("tts.endpoints[0].url: must start with"));
  c = Config({1});
  c.health_path = "health";
  EXPECT_THAT(error(c), HasSubstr("tts.health_path: must start with '/'"));
  c = Config({1});
  c.failures_before_cooldown = 0;
  EXPECT_THAT(error(c), HasSubstr("tts.failures_before_cooldown"));
  c = Config({1});
  c.queue_timeout_ms = 0;
  EXPECT_THAT(error(c), HasSubstr("tts.queue_timeout_ms"));
  EXPECT_EQ(error(Config({1, 4})), "");
}

TEST(RemotePoolTest, FailsOverOnlyOnEndpointTrouble) {
  EXPECT_TRUE(ShouldFailOver(Error(ErrorKind::kUnavailable, "connect_failed", "")));
  EXPECT_TRUE(ShouldFailOver(Error(ErrorKind::kTimeout, "first_byte_timeout", "")));
  EXPECT_TRUE(ShouldFailOver(Error(ErrorKind::kUpstream, "connection_lost", "")));
  EXPECT_FALSE(ShouldFailOver(Error(ErrorKind::kInvalidInput, "bad", "")));
  EXPECT_FALSE(ShouldFailOver(Error(ErrorKind::kCancelled, "cancelled", "")));
  EXPECT_FALSE(ShouldFailOver(Error(ErrorKind::kInternal, "bug", "")));
}

TEST(RemotePoolTest, NeverRunsMoreThanTheLimitAndQueuesTheRest) {
  RemotePool pool(Config({2}));
  Holder holder;
  std::vector<std::thread> runs;
  for (int i = 0; i < 5; ++i) runs.emplace_back([&] { pool.Run(CancelToken(), holder.Attempt()); });
  ASSERT_TRUE(holder.WaitStarted(2));
  ASSERT_TRUE(WaitFor([&] { return pool.waiting() == 3; }));
  EXPECT_EQ(pool.busy(0), 2);
  holder.Release(5);
  for (auto& t : runs) t.join();
  EXPECT_EQ(holder.max_running(0), 2);
  EXPECT_EQ(pool.busy(0), 0);
  EXPECT_EQ(pool.stats()[0].requests, 5);
}

TEST(RemotePoolTest, DispatchesToTheLeastBusyEndpoint) {
  // Capacity 1 and 3: load is busy / capacity, so the second request goes to
  // the big endpoint, and so do the next two.
  RemotePool pool(Config({1, 3}));
  EXPECT_EQ(pool.capacity(), 4);
  Holder holder;
  std::vector<std::thread> runs;
  for (int i = 0; i < 4; ++i) {
    runs.emplace_back([&] { pool.Run(CancelToken(), holder.Attempt()); });
    ASSERT_TRUE(holder.WaitStarted(i + 1));
  }
  EXPECT_EQ(holder.running(0), 1);
  EXPECT_EQ(holder.running(1), 3);
  holder.Release(4);
  for (auto& t : runs) t.join();

  // Equal endpoints, one request at a time: they take turns (idle longest first).
  RemotePool even(Config({1, 1, 1}));
  std::vector<int> order;
  for (int i = 0; i < 6; ++i)
    even.Run(CancelToken(), [&](int e, const std::string&) { order.push_back(e); });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 0, 1, 2}));
}

TEST(RemotePoolTest, FailsOverToTheNextEndpointAndCoolsTheFailedOneDown) {
  RemotePool pool(Config({1, 1}));
  std::vector<int> tried;
  pool.Run(CancelToken(), [&](int e, const std::string& url) {
    tried.push_back(e);
    if (e == 0) throw Error(ErrorKind::kUnavailable, "connect_failed", "refused " + url);
  });
  EXPECT_EQ(tried, (std::vector<int>{0, 1}));
  EXPECT_EQ(pool.failovers(), 1);
  EXPECT_TRUE(pool.cooling_down(0));
  EXPECT_FALSE(pool.cooling_down(1));
  // While endpoint 0 cools down, everything goes to endpoint 1.
  tried.clear();
  for (int i = 0; i < 3; ++i)
    pool.Run(CancelToken(), [&](int e, const std::string&) { tried.push_back(e); });
  EXPECT_EQ(tried, (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(pool.stats()[0].failures, 1);
}

TEST(RemotePoolTest, RequestErrorsDoNotFailOver) {
  RemotePool pool(Config({1, 1}));
  int attempts = 0;
  try {
    pool.Run(CancelToken(), [&](int, const std::string&) {
      ++attempts;
      throw Error(ErrorKind::kInvalidInput, "bad_reference", "reference too short");
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "bad_reference");
  }
  EXPECT_EQ(attempts, 1);
  EXPECT_FALSE(pool.cooling_down(0));
  EXPECT_EQ(pool.failovers(), 0);
}

TEST(RemotePoolTest, EveryEndpointFailingRethrowsTheLastError) {
  RemotePool pool(Config({1, 1, 1}));
  std::vector<int> tried;
  try {
    pool.Run(CancelToken(), [&](int e, const std::string&) {
      tried.push_back(e);
      throw Error(ErrorKind::kUpstream, "e" + std::to_string(e), "broke");
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "e2");
  }
  EXPECT_EQ(tried, (std::vector<int>{0, 1, 2}));  // each once
  EXPECT_EQ(pool.failovers(), 2);
  // All cooling: the next call still tries them (a last resort beats failing at once).
  int later = -1;
  pool.Run(CancelToken(), [&](int e, const std::string&) { later = e; });
  EXPECT_GE(later, 0);
  EXPECT_FALSE(pool.cooling_down(later));  // a success ends its cool-down
}

TEST(RemotePoolTest, CooldownNeedsConsecutiveFailuresAndEndsByTheClock) {
  RemotePoolConfig c = Config({1});
  c.failures_before_cooldown = 2;
  c.cooldown_ms = 150;
  RemotePool pool(c);
  auto fail = [](int, const std::string&) {
    throw Error(ErrorKind::kTimeout, "first_byte_timeout", "slow");
  };
  EXPECT_THROW(pool.Run(CancelToken(), fail), Error);
  EXPECT_FALSE(pool.cooling_down(0));                       // one failure only
  pool.Run(CancelToken(), [](int, const std::string&) {});  // a success resets the count
  EXPECT_THROW(pool.Run(CancelToken(), fail), Error);
  EXPECT_FALSE(pool.cooling_down(0));
  EXPECT_THROW(pool.Run(CancelToken(), fail), Error);
  EXPECT_TRUE(pool.cooling_down(0));
  EXPECT_TRUE(WaitFor([&] { return !pool.cooling_down(0); }, 2000));
}

TEST(RemotePoolTest, AWaiterGetsAnEndpointWhoseCooldownEnds) {
  // Endpoint 1 busy, endpoint 0 cooling: the waiter takes 0 when its
  // cool-down ends, without any other event.
  RemotePoolConfig c = Config({1, 1});
  c.cooldown_ms = 200;
  RemotePool pool(c);
  pool.Run(CancelToken(), [](int e, const std::string&) {
    if (e == 0) throw Error(ErrorKind::kUnavailable, "connect_failed", "down");
  });
  ASSERT_TRUE(pool.cooling_down(0));
  Holder holder;
  std::thread busy([&] { pool.Run(CancelToken(), holder.Attempt()); });
  ASSERT_TRUE(holder.WaitStarted(1));
  int got = -1;
  const auto start = Clock::now();
  pool.Run(CancelToken(), [&](int e, const std::string&) { got = e; });
  EXPECT_EQ(got, 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  holder.Release(1);
  busy.join();
}

TEST(RemotePoolTest, HealthCheckBringsACoolingEndpointBackEarly) {
  HttpServer health({});
  std::atomic<int> probes{0};
  health.Route("GET", "/health", [&](auto, std::shared_ptr<Responder> res) {
    ++probes;
    res->Send(HttpResponse::Json(200, "{\"status\":\"ok\"}"));
  });
  health.Start();
  RemotePoolConfig c = Config({1, 1});
  c.endpoints[0].url = "http://127.0.0.1:" + std::to_string(health.port());
  c.endpoints[1].url = "http://127.0.0.1:1";  // nothing listens: its probe fails
  c.cooldown_ms = 600000;
  c.health_path = "/health";
  c.health_interval_ms = 100;
  RemotePool pool(c);
  EXPECT_THROW(pool.Run(CancelToken(),
                        [](int, const std::string&) {
                          throw Error(ErrorKind::kUpstream, "gpt_sovits_error", "500");
                        }),
               Error);
  EXPECT_TRUE(pool.cooling_down(0));
  EXPECT_TRUE(pool.cooling_down(1));
  EXPECT_TRUE(WaitFor([&] { return !pool.cooling_down(0); }, 5000));
  EXPECT_GE(probes.load(), 1);
  EXPECT_TRUE(pool.cooling_down(1));  // still down
}

TEST(RemotePoolTest, CancelWhileWaitingReturnsAtOnce) {
  RemotePool pool(Config({1}));
  Holder holder;
  std::thread busy([&] { pool.Run(CancelToken(), holder.Attempt()); });
  ASSERT_TRUE(holder.WaitStarted(1));
  CancelToken cancel;
  bool ran = false;
  auto waiter = std::async(std::launch::async, [&] {
    try {
      pool.Run(cancel, [&](int, const std::string&) { ran = true; });
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  });
  ASSERT_TRUE(WaitFor([&] { return pool.waiting() == 1; }));
  const auto start = Clock::now();
  cancel.Cancel();
  ASSERT_EQ(waiter.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(waiter.get(), ErrorKind::kCancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
  EXPECT_FALSE(ran);
  EXPECT_EQ(pool.waiting(), 0);
  holder.Release(1);
  busy.join();
  EXPECT_EQ(pool.busy(0), 0);
}

TEST(RemotePoolTest, WaitingEndsAtTheQueueTimeout) {
  RemotePoolConfig c = Config({1});
  c.queue_timeout_ms = 100;
  c.name = "tts";
  RemotePool pool(c);
  Holder holder;
  std::thread busy([&] { pool.Run(CancelToken(), holder.Attempt()); });
  ASSERT_TRUE(holder.WaitStarted(1));
  try {
    pool.Run(CancelToken(), [](int, const std::string&) {});
    FAIL() << "no timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
    EXPECT_THAT(e.what(), HasSubstr("tts: no endpoint slot came free in 100 ms"));
  }
  holder.Release(1);
  busy.join();
}

TEST(RemotePoolTest, WaitersAreServedInArrivalOrder) {
  RemotePool pool(Config({1}));
  Holder holder;
  std::thread busy([&] { pool.Run(CancelToken(), holder.Attempt()); });
  ASSERT_TRUE(holder.WaitStarted(1));
  std::mutex mutex;  // guards order
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&, i] {
      pool.Run(CancelToken(), [&](int, const std::string&) {
        std::lock_guard lock(mutex);
        order.push_back(i);
      });
    });
    ASSERT_TRUE(WaitFor([&] { return pool.waiting() == i + 1; }));
  }
  holder.Release(1);
  for (auto& t : waiters) t.join();
  busy.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace mv
