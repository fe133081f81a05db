// A coroutine that waits on the network without holding a thread: remote
// TTS and ASR engines are written as straight-line code (`co_await` a pool
// slot, a request, a fallback) and every wait suspends instead of blocking.
//
// Task<T> is lazy: nothing runs until it is awaited (by another Task) or
// started with Spawn(). It resumes on whatever thread completes what it
// waits for (an I/O thread): keep the code between waits short and never
// block in it. Exceptions travel to the awaiter, as from a function call.
//
// Ownership: a Task owns its frame; an awaited Task lives in its awaiter's
// frame; Spawn() keeps the whole chain alive until `done` has run.
//
// Rules that keep GCC 12 and lifetimes honest: no coroutine lambdas (a
// member coroutine called from a plain lambda instead), parameters by value
// unless the caller's frame outlives the call, no `co_await` inside a catch
// handler (store the error, then await after the handler), and no
// brace-initialised aggregate temporary in a co_await expression (GCC 12
// destroys it twice: name it first; tests/unit/common/task-test.cc).
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <utility>

namespace mv {

template <class T>
class Task;

namespace task_internal {

// Hands control back to whoever awaited the finished task (symmetric
// transfer: a chain of finished tasks never grows the stack).
struct FinalAwaiter {
  std::coroutine_handle<> continuation;
  bool await_ready() noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) noexcept {
    return continuation ? continuation : std::noop_coroutine();
  }
  void await_resume() noexcept {}
};

struct PromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {continuation}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object();
  void return_value(T v) { value.emplace(std::move(v)); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object();
  void return_void() noexcept {}
};

}  // namespace task_internal

template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = task_internal::Promise<T>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  // Awaiting starts the task; the awaiter resumes when it has finished.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() {
    auto& p = handle_.promise();
    if (p.error) std::rethrow_exception(p.error);
    if constexpr (!std::is_void_v<T>) return std::move(*p.value);
  }

 private:
  friend promise_type;
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

namespace task_internal {

template <class T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

}  // namespace task_internal

// Starts `task` now, on this thread, up to its first wait; `done` runs once
// when it ends, with its exception or null, on the thread that finished it.
void Spawn(Task<void> task, std::function<void(std::exception_ptr)> done);

// Runs `task` and blocks this thread until it ends (the blocking APIs of
// asynchronous engines). Never call it on an I/O thread: the task needs one.
void RunBlocking(Task<void> task);

// Awaits a callback: `start(resume)` begins an operation that later calls
// `resume(value)` exactly once, from any thread; the awaiting coroutine
// continues there. Nothing of the awaiter is touched after `start` returns
// control, so `resume` may run before `start` itself has returned.
template <class T>
class Callback {
 public:
  using Resume = std::function<void(T)>;
  explicit Callback(std::function<void(Resume)> start) : start_(std::move(start)) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    auto start = std::move(start_);
    start([this, h](T v) {
      value_.emplace(std::move(v));
      h.resume();
    });
  }
  T await_resume() { return std::move(*value_); }

 private:
  std::function<void(Resume)> start_;
  std::optional<T> value_;
};

}  // namespace mv
