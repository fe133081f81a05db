#include "tools/timer-queue.h"

#include <spdlog/spdlog.h>

namespace mv {

TimerQueue::TimerQueue() : thread_([this] { Loop(); }) {}

TimerQueue::~TimerQueue() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TimerQueue::RunAfter(int delay_ms, std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    due_.emplace(Clock::now() + std::chrono::milliseconds(delay_ms), std::move(fn));
  }
  cv_.notify_all();
}

void TimerQueue::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (Clock::now() < first->first) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    auto fn = std::move(first->second);
    due_.erase(first);
    lock.unlock();
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("timer callback threw: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace mv
