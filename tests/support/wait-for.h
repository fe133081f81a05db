// Polls a condition until it holds or `ms` pass: for state that changes on
// other threads (I/O, pools), never for timing.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace mv::test {

inline bool WaitFor(const std::function<bool()>& done, int ms = 5000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

}  // namespace mv::test
