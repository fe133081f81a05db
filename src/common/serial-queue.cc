#include "common/serial-queue.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace mv {
namespace {
constexpr int kJobsPerDrain = 8;
}

std::shared_ptr<SerialQueue> SerialQueue::Create(ThreadPool& pool, int priority,
                                                 std::size_t max_queued_cost) {
  return std::shared_ptr<SerialQueue>(new SerialQueue(pool, priority, max_queued_cost));
}

SerialQueue::SerialQueue(ThreadPool& pool, int priority, std::size_t max_queued_cost)
    : pool_(pool), priority_(priority), max_cost_(max_queued_cost) {}

bool SerialQueue::Post(std::function<void()> job, std::size_t cost) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || (cost > 0 && cost_ + cost > max_cost_)) return false;
    jobs_.emplace_back(std::move(job), cost);
    cost_ += cost;
    if (running_) return true;
    running_ = true;
  }
  pool_.Post([self = shared_from_this()] { self->Drain(); }, priority_);
  return true;
}

void SerialQueue::Stop() {
  std::deque<std::pair<std::function<void()>, std::size_t>> dropped;
  std::lock_guard lock(mutex_);
  stopped_ = true;
  dropped.swap(jobs_);  // destroyed after the lock is released (declared first)
  cost_ = 0;
}

void SerialQueue::Drain() {
  for (int i = 0; i < kJobsPerDrain; ++i) {
    std::function<void()> job;
    {
      std::lock_guard lock(mutex_);
      if (jobs_.empty()) {
        running_ = false;
        return;
      }
      job = std::move(jobs_.front().first);
      cost_ -= jobs_.front().second;
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("serial queue job threw: {}", e.what());
    }
  }
  pool_.Post([self = shared_from_this()] { self->Drain(); }, priority_);
}

}  // namespace mv
