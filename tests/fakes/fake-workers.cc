#include "fakes/fake-workers.h"

#include <chrono>

namespace mvtest {

void FakeWorkers::Run(std::function<void()> fn) {
  std::vector<std::thread> finished;
  std::lock_guard lock(mutex_);
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (*it->done) {
      finished.push_back(std::move(it->thread));
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<bool>(false);
  workers_.push_back({std::thread([this, fn = std::move(fn), done] {
                        fn();
                        std::lock_guard l(mutex_);
                        *done = true;
                      }),
                      done});
  for (auto& t : finished) t.join();  // already done: joins at once
}

bool FakeWorkers::Sleep(int ms) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
}

bool FakeWorkers::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void FakeWorkers::Stop() {
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& w : workers) w.thread.join();
  std::lock_guard lock(mutex_);
  stopping_ = false;
}

}  // namespace mvtest
