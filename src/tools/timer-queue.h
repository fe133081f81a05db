// One thread that runs callbacks after a delay: tool-call timeouts and the
// filler's deadline. Destroying the queue drops callbacks not yet run and
// joins the thread (never destroy it from one of its callbacks).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mv {

class TimerQueue {
 public:
  TimerQueue();
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `fn` on the queue's thread after `delay_ms`. Keep it short; a
  // callback that must not outlive its owner captures a weak_ptr.
  void RunAfter(int delay_ms, std::function<void()> fn);

 private:
  void Loop();
  using Clock = std::chrono::steady_clock;
  std::mutex mutex_;  // guards due_ and stop_
  std::condition_variable cv_;
  std::multimap<Clock::time_point, std::function<void()>> due_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest exists
};

}  // namespace mv
