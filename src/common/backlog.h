// Bytes queued for one client and not yet written to its socket, and the
// producers waiting for them to drain (see OutputGate). Thread-safe; the
// waiters run outside the lock, on the thread that drained or closed it.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace mv {

class Backlog {
 public:
  Backlog() = default;
  ~Backlog();  // what is still counted leaves the process total
  Backlog(const Backlog&) = delete;
  Backlog& operator=(const Backlog&) = delete;

  void Add(std::size_t n);
  // `n` bytes were written: runs the waiters whose limit is now met.
  void Remove(std::size_t n);
  std::size_t bytes() const;

  // True when more than `limit` bytes are queued: `resume` then runs once,
  // when at most `limit` are or at Close(). False (and `resume` dropped)
  // when at most `limit` are queued already, or after Close().
  bool WaitBelow(std::size_t limit, std::function<void()> resume);

  // The client is gone: every waiter runs now; later waits return false.
  void Close();

  // Bytes queued for all clients of this process (for /metrics).
  static std::size_t ProcessTotal();

 private:
  mutable std::mutex mutex_;  // guards bytes_, waiters_ and closed_
  std::size_t bytes_ = 0;
  std::vector<std::pair<std::size_t, std::function<void()>>> waiters_;  // (limit, resume)
  bool closed_ = false;
};

}  // namespace mv
