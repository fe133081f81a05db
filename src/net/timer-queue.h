// Callbacks after a delay, as timers on a network I/O context (no thread of
// their own): tool-call timeouts, the filler's deadline, MCP retries, health
// checks, an LLM's first-token deadline. Destroying the queue drops the
// callbacks not yet run and returns once none is running (never destroy it
// from one of its callbacks).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace mv {

class NetIo;

class TimerQueue {
 public:
  TimerQueue();  // on a private NetIo with one thread (tests, tools alone)
  explicit TimerQueue(std::shared_ptr<NetIo> io);  // must outlive the queue
  // Stop().
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `fn` on an I/O thread after `delay_ms`. Keep it short and never
  // block in it; a callback that must not outlive its owner captures a
  // weak_ptr. Callbacks may run side by side.
  void RunAfter(int delay_ms, std::function<void()> fn);

  // Drops the callbacks not yet run, returns once none is running; later
  // RunAfter calls are ignored (an owner's late completions may still ask).
  void Stop();

 private:
  struct State;
  struct Timer;
  std::shared_ptr<NetIo> io_;
  std::shared_ptr<State> state_;  // shared with pending timers, which hold it weakly
};

}  // namespace mv
