#include "common/thread-pool.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace mv {

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Run(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::Post(std::function<void()> job, int priority) {
  {
    std::lock_guard lock(mutex_);
    jobs_.emplace(std::make_pair(priority, next_seq_++), std::move(job));
  }
  cv_.notify_one();
}

bool ThreadPool::WaitIdle(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_until(lock, deadline, [this] { return jobs_.empty() && running_ == 0; });
}

std::size_t ThreadPool::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void ThreadPool::Run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto first = jobs_.begin();
      job = std::move(first->second);
      jobs_.erase(first);
      ++running_;
    }
    // A job must report its own errors; this only keeps the worker alive.
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("thread pool job threw: {}", e.what());
    }
    job = nullptr;  // its captures go before the pool counts it done
    std::lock_guard lock(mutex_);
    if (--running_ == 0 && jobs_.empty()) idle_cv_.notify_all();
  }
}

}  // namespace mv
