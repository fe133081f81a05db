#include "server/rate-limiter.h"

#include <algorithm>
#include <cmath>

namespace mv {

bool RateLimiter::Take(const std::string& key, int per_minute, int* retry_after_s,
                       Clock::time_point now) {
  if (per_minute <= 0) return true;
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(per_minute), now});
  Bucket& b = it->second;
  const double per_second = per_minute / 60.0;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min<double>(per_minute, b.tokens + std::max(0.0, elapsed) * per_second);
    b.at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_s) *retry_after_s = static_cast<int>(std::ceil((1.0 - b.tokens) / per_second));
  return false;
}

}  // namespace mv
