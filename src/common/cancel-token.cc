#include "common/cancel-token.h"

#include <utility>

namespace mv {

CancelRegistration::CancelRegistration(CancelRegistration&& other) noexcept
    : state_(std::move(other.state_)), id_(std::exchange(other.id_, 0)) {}

CancelRegistration& CancelRegistration::operator=(CancelRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    state_ = std::move(other.state_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void CancelRegistration::Reset() {
  const std::uint64_t id = std::exchange(id_, 0);
  auto state = std::static_pointer_cast<CancelToken::State>(state_.lock());
  state_.reset();
  if (id != 0 && state) CancelToken::Remove(state, id);
}

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}

void CancelToken::Cancel() const {
  // A copy: a callback may destroy whatever holds this token.
  auto state = state_;
  Fire(state);
}

void CancelToken::Fire(const std::shared_ptr<State>& s) {
  std::unique_lock lock(s->mutex);
  if (s->cancelled.exchange(true, std::memory_order_acq_rel)) return;
  s->cancel_thread = std::this_thread::get_id();
  while (!s->callbacks.empty()) {
    auto node = s->callbacks.extract(s->callbacks.begin());
    s->running_id = node.key();
    lock.unlock();
    node.mapped()();
    node = {};  // the closure goes outside the lock: its captures may deregister
    lock.lock();
    s->running_id = 0;
    s->callback_done.notify_all();
  }
}

void CancelToken::Remove(const std::shared_ptr<State>& s, std::uint64_t id) {
  std::unique_lock lock(s->mutex);
  auto node = s->callbacks.extract(id);
  if (!node.empty()) {
    lock.unlock();  // the closure is destroyed outside the lock
    return;
  }
  // Running now: wait unless it is this very thread (a callback removing itself).
  if (s->running_id == id && s->cancel_thread != std::this_thread::get_id())
    s->callback_done.wait(lock, [&] { return s->running_id != id; });
}

CancelRegistration CancelToken::OnCancel(std::function<void()> cb) const {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelled.load(std::memory_order_relaxed)) {
      const std::uint64_t id = state_->next_id++;
      state_->callbacks.emplace(id, std::move(cb));
      return CancelRegistration(std::weak_ptr<void>(state_), id);
    }
  }
  cb();
  return {};
}

CancelToken CancelToken::Child() const {
  CancelToken child;
  std::weak_ptr<State> weak = child.state_;
  // The child's state owns the hook: the parent keeps no dead closure once
  // every copy of the child is gone.
  child.state_->parent = OnCancel([weak] {
    if (auto s = weak.lock()) Fire(s);
  });
  return child;
}

std::size_t CancelToken::registrations() const {
  std::lock_guard lock(state_->mutex);
  return state_->callbacks.size();
}

}  // namespace mv
