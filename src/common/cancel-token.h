// A shared cancellation flag with callbacks. Copies share state: the HTTP
// layer cancels when the client disconnects, and every stage of the turn
// (LLM request, TTS jobs) polls IsCancelled() or registers OnCancel().
//
// A registration lives as long as the CancelRegistration it returns (as a
// std::stop_callback does), so a long-lived token (a realtime session's)
// holds only the callbacks of work still in flight. Child() gives a token
// that fires with its parent or on its own, and unhooks from the parent
// when the last copy of the child goes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace mv {

class CancelRegistration {
 public:
  CancelRegistration() = default;
  CancelRegistration(CancelRegistration&& other) noexcept;
  CancelRegistration& operator=(CancelRegistration&& other) noexcept;
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;
  ~CancelRegistration() { Reset(); }

  // Removes the callback. If it is running on another thread, waits for it
  // to return, so whatever it touches may be freed after this call.
  void Reset();

 private:
  friend class CancelToken;
  CancelRegistration(std::weak_ptr<void> state, std::uint64_t id)
      : state_(std::move(state)), id_(id) {}
  std::weak_ptr<void> state_;  // the token's state (type-erased: declared below)
  std::uint64_t id_ = 0;
};

class CancelToken {
 public:
  CancelToken();

  bool IsCancelled() const { return state_->cancelled.load(std::memory_order_acquire); }

  // Runs every registered callback once, on the calling thread. Callbacks
  // must not throw.
  void Cancel() const;

  // Runs `cb` at cancellation, or right now (on this thread) if already
  // cancelled; removed when the returned registration is reset or destroyed.
  [[nodiscard]] CancelRegistration OnCancel(std::function<void()> cb) const;

  // A token cancelled when this one is (or on its own via Cancel()).
  CancelToken Child() const;

  // Callbacks registered and not yet run or removed (tests, diagnostics).
  std::size_t registrations() const;

 private:
  friend class CancelRegistration;
  struct State {
    std::atomic<bool> cancelled{false};
    std::mutex mutex;                       // guards callbacks, next_id and running_id
    std::condition_variable callback_done;  // running_id changed
    std::map<std::uint64_t, std::function<void()>> callbacks;
    std::uint64_t next_id = 1;
    std::uint64_t running_id = 0;   // the callback Cancel() is running now
    std::thread::id cancel_thread;  // the thread running Cancel()
    CancelRegistration parent;      // a child's hook on its parent
  };
  static void Fire(const std::shared_ptr<State>& state);
  static void Remove(const std::shared_ptr<State>& state, std::uint64_t id);
  std::shared_ptr<State> state_;
};

}  // namespace mv
