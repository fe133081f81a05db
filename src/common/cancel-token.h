// A shared cancellation flag with callbacks. Copies share state: the HTTP
// layer cancels when the client disconnects, and every stage of the turn
// (LLM request, TTS jobs) polls IsCancelled() or registers OnCancel().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace mv {

class CancelToken {
 public:
  CancelToken() : state_(std::make_shared<State>()) {}

  bool IsCancelled() const { return state_->cancelled.load(std::memory_order_acquire); }

  // Runs every registered callback once, on the calling thread.
  void Cancel() const {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->cancelled.exchange(true)) return;
      callbacks.swap(state_->callbacks);
    }
    for (auto& cb : callbacks) cb();
  }

  // Runs `cb` at cancellation, or right now if already cancelled.
  void OnCancel(std::function<void()> cb) const {
    {
      std::lock_guard lock(state_->mutex);
      if (!state_->cancelled.load()) {
        state_->callbacks.push_back(std::move(cb));
        return;
      }
    }
    cb();
  }

 private:
  struct State {
    std::atomic<bool> cancelled{false};
    std::mutex mutex;  // guards callbacks against concurrent OnCancel/Cancel
    std::vector<std::function<void()>> callbacks;
  };
  std::shared_ptr<State> state_;
};

}  // namespace mv
