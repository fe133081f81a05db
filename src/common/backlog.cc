#include "common/backlog.h"

#include <algorithm>

namespace mv {
namespace {
std::atomic<std::size_t> process_total{0};
}

Backlog::~Backlog() { process_total -= bytes_; }

std::size_t Backlog::ProcessTotal() { return process_total.load(); }

void Backlog::Add(std::size_t n) {
  std::lock_guard lock(mutex_);
  bytes_ += n;
  process_total += n;
}

void Backlog::Remove(std::size_t n) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    n = std::min(n, bytes_);
    bytes_ -= n;
    process_total -= n;
    std::erase_if(waiters_, [&](auto& w) {
      if (bytes_ > w.first) return false;
      ready.push_back(std::move(w.second));
      return true;
    });
  }
  for (auto& fn : ready) fn();
}

std::size_t Backlog::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool Backlog::WaitBelow(std::size_t limit, std::function<void()> resume) {
  std::lock_guard lock(mutex_);
  if (closed_ || bytes_ <= limit) return false;
  waiters_.emplace_back(limit, std::move(resume));
  return true;
}

void Backlog::Close() {
  std::vector<std::pair<std::size_t, std::function<void()>>> ready;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready.swap(waiters_);
  }
  for (auto& w : ready) w.second();
}

}  // namespace mv
