// Fixed-size worker pool for model work, so I/O threads never run a model.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <map>
#include <utility>
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

  // Lower `priority` runs first; FIFO among equals. Turns post their first
  // segment at a lower value than later ones, so under load every caller's
  // first audio comes before anyone's second sentence.
  void Post(std::function<void()> job, int priority = 0);
  int size() const { return static_cast<int>(workers_.size()); }
  std::size_t queued() const;

 private:
  void Run();

  mutable std::mutex mutex_;  // guards jobs_, next_seq_ and stopping_
  std::condition_variable cv_;
  std::map<std::pair<int, uint64_t>, std::function<void()>> jobs_;  // (priority, seq)
  uint64_t next_seq_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mv
