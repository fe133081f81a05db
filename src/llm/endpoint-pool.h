// Which LLM endpoint to try next. A failed endpoint sits out its cooldown:
// it is tried only after every endpoint that is not cooling down.
// Thread-safe: one pool serves every conversation of an Llm.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

namespace mv {

class EndpointPool {
 public:
  using Clock = std::chrono::steady_clock;

  EndpointPool(int endpoints, int cooldown_ms);

  // Every endpoint once: those not cooling down in configured order, then
  // the cooling ones (a last resort) in configured order.
  std::vector<int> Order() const;
  void MarkFailed(int index);
  void MarkOk(int index);
  bool CoolingDown(int index) const;
  int size() const { return static_cast<int>(cooling_until_.size()); }

 private:
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mutex_;  // guards cooling_until_
  std::vector<Clock::time_point> cooling_until_;
};

}  // namespace mv
