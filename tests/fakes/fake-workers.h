// Threads for the doubles' slow work (latency, decoding, stalled answers),
// never the server's I/O threads. Stop() wakes every Sleep() and joins.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace mvtest {

class FakeWorkers {
 public:
  FakeWorkers() = default;
  ~FakeWorkers() { Stop(); }
  FakeWorkers(const FakeWorkers&) = delete;
  FakeWorkers& operator=(const FakeWorkers&) = delete;

  // Runs `fn` on a new thread; finished threads are joined on the next Run().
  void Run(std::function<void()> fn);
  // Sleeps up to `ms`; false when Stop() cut it short (give up then).
  bool Sleep(int ms);
  bool stopping() const;
  // Wakes sleepers, joins every thread; Run() works again afterwards.
  void Stop();

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<bool> done;  // guarded by mutex_
  };
  mutable std::mutex mutex_;    // guards workers_, stopping_ and every Worker::done
  std::condition_variable cv_;  // Stop() for sleepers
  std::vector<Worker> workers_;
  bool stopping_ = false;
};

}  // namespace mvtest
