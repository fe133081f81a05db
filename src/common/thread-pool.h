// Fixed-size worker pool for model work, so I/O threads never run a model.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mv {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads <= 0: one per core
  ~ThreadPool();                     // runs queued jobs, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> job);
  int size() const { return static_cast<int>(workers_.size()); }
  std::size_t queued() const;

 private:
  void Run();

  mutable std::mutex mutex_;  // guards jobs_ and stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mv
