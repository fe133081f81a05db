#include "llm/endpoint-pool.h"

namespace mv {

EndpointPool::EndpointPool(int endpoints, int cooldown_ms)
    : cooldown_(cooldown_ms), cooling_until_(static_cast<std::size_t>(std::max(0, endpoints))) {}

std::vector<int> EndpointPool::Order() const {
  auto now = Clock::now();
  std::vector<int> ready, cooling;
  std::lock_guard lock(mutex_);
  for (int i = 0; i < size(); ++i) (cooling_until_[i] > now ? cooling : ready).push_back(i);
  ready.insert(ready.end(), cooling.begin(), cooling.end());
  return ready;
}

void EndpointPool::MarkFailed(int index) {
  std::lock_guard lock(mutex_);
  if (index >= 0 && index < size()) cooling_until_[index] = Clock::now() + cooldown_;
}

void EndpointPool::MarkOk(int index) {
  std::lock_guard lock(mutex_);
  if (index >= 0 && index < size()) cooling_until_[index] = Clock::time_point();
}

bool EndpointPool::CoolingDown(int index) const {
  std::lock_guard lock(mutex_);
  return index >= 0 && index < size() && cooling_until_[index] > Clock::now();
}

}  // namespace mv
