// Fixed-size worker pool for model work, so I/O threads never run a model.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mv {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads <= 0: one per core
  ~ThreadPool();                     // runs queued jobs, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Lower `priority` runs first; FIFO among equals. Turns post their first
  // segment at a lower value than later ones, so under load every caller's
  // first audio comes before anyone's second sentence.
  void Post(std::function<void()> job, int priority = 0);
  int size() const { return static_cast<int>(workers_.size()); }
  std::size_t queued() const;
  // Blocks until no job is queued or running, or `deadline`; true if idle.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline) const;

 private:
  void Run();

  mutable std::mutex mutex_;  // guards jobs_, next_seq_, running_ and stopping_
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;                         // jobs_ empty and running_ == 0
  int running_ = 0;                                                 // jobs being run now
  std::map<std::pair<int, uint64_t>, std::function<void()>> jobs_;  // (priority, seq)
  uint64_t next_seq_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mv
