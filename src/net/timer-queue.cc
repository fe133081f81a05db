#include "net/timer-queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <condition_variable>
#include <vector>

#include "net/net-io.h"

namespace mv {

namespace asio = boost::asio;

// A pending callback; its strand lets the destructor cancel it from any thread.
struct TimerQueue::Timer {
  explicit Timer(asio::io_context& ioc) : strand(asio::make_strand(ioc)), timer(strand) {}
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
};

struct TimerQueue::State {
  std::mutex mutex;            // guards pending, next_id, running, stopping
  std::condition_variable cv;  // signalled when a callback returns
  std::map<std::uint64_t, std::weak_ptr<Timer>> pending;
  std::uint64_t next_id = 0;
  int running = 0;
  bool stopping = false;
};

TimerQueue::TimerQueue() : TimerQueue(std::make_shared<NetIo>(1)) {}

TimerQueue::TimerQueue(std::shared_ptr<NetIo> io)
    : io_(std::move(io)), state_(std::make_shared<State>()) {}

TimerQueue::~TimerQueue() { Stop(); }

void TimerQueue::Stop() {
  std::vector<std::shared_ptr<Timer>> live;
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  for (auto& [id, weak] : state_->pending)
    if (auto t = weak.lock()) live.push_back(std::move(t));
  state_->pending.clear();
  for (auto& t : live) asio::post(t->strand, [t] { t->timer.cancel(); });
  state_->cv.wait(lock, [&] { return state_->running == 0; });
}

void TimerQueue::RunAfter(int delay_ms, std::function<void()> fn) {
  auto timer = std::make_shared<Timer>(io_->context());
  std::uint64_t id = 0;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping) return;
    id = ++state_->next_id;
    state_->pending[id] = timer;
  }
  timer->timer.expires_after(std::chrono::milliseconds(std::max(0, delay_ms)));
  // The timer keeps itself alive through its own handler; the queue's
  // state is held weakly, so a deadline never keeps a gone owner alive.
  timer->timer.async_wait([timer, id, weak = std::weak_ptr<State>(state_),
                           fn = std::move(fn)](boost::system::error_code ec) {
    auto state = weak.lock();
    if (!state) return;
    {
      std::lock_guard lock(state->mutex);
      if (state->pending.erase(id) == 0 || ec || state->stopping) return;
      ++state->running;
    }
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("timer callback threw: {}", e.what());
    }
    std::lock_guard lock(state->mutex);
    --state->running;
    state->cv.notify_all();
  });
}

}  // namespace mv
