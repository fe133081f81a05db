// Per-key request budget (server.auth, `mirrorvox keys add --rate N`): a
// token bucket of N requests a minute, N at once at most.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace mv {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // True when `key` may make one more request now; otherwise false and
  // *retry_after_s says when the next one will be allowed. per_minute <= 0
  // is unlimited.
  bool Take(const std::string& key, int per_minute, int* retry_after_s,
            Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  std::mutex mutex_;  // guards buckets_
  std::map<std::string, Bucket> buckets_;
};

}  // namespace mv
