#include "common/task.h"

#include <future>

namespace mv {
namespace {

// The root of a spawned chain: starts at once, frees itself at the end.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // `done` threw
  };
};

Detached Run(Task<void> task, std::function<void(std::exception_ptr)> done) {
  std::exception_ptr error;
  try {
    co_await task;
  } catch (...) {
    error = std::current_exception();
  }
  done(error);
}

}  // namespace

void Spawn(Task<void> task, std::function<void(std::exception_ptr)> done) {
  Run(std::move(task), std::move(done));
}

void RunBlocking(Task<void> task) {
  std::promise<std::exception_ptr> ended;
  Spawn(std::move(task), [&ended](std::exception_ptr e) { ended.set_value(e); });
  if (std::exception_ptr error = ended.get_future().get()) std::rethrow_exception(error);
}

}  // namespace mv
