// Runs one session's jobs in order, one at a time, on a shared ThreadPool:
// sessions never hold a thread while idle, and a burst of input from one
// client cannot reorder. A drain runs a few jobs, then yields the worker so
// busy sessions share the pool fairly.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "common/thread-pool.h"

namespace mv {

class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
 public:
  static std::shared_ptr<SerialQueue> Create(ThreadPool& pool, int priority,
                                             std::size_t max_queued_cost);

  // False (and `job` dropped) once stopped, or when the queued jobs' cost
  // would pass max_queued_cost: a client sending faster than we process.
  bool Post(std::function<void()> job, std::size_t cost = 0);
  // Drops queued jobs; a running one finishes. Later Post()s are refused.
  void Stop();

 private:
  SerialQueue(ThreadPool& pool, int priority, std::size_t max_queued_cost);
  void Drain();

  ThreadPool& pool_;
  const int priority_;
  const std::size_t max_cost_;
  std::mutex mutex_;  // guards jobs_, cost_, running_ and stopped_
  std::deque<std::pair<std::function<void()>, std::size_t>> jobs_;
  std::size_t cost_ = 0;
  bool running_ = false;  // a drain is posted or running
  bool stopped_ = false;
};

}  // namespace mv
