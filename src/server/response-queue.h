// Hands a handler's response events (from any thread) to the connection's
// coroutine. Included only by Beast translation units.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/backlog.h"
#include "common/cancel-token.h"
#include "server/http-types.h"

namespace mv {

struct ResponseEvent {
  enum Kind { kFull, kHead, kChunk, kEnd } kind;
  HttpResponse response;  // kFull; kHead uses status/content_type/headers
  std::string data;       // kChunk

  static ResponseEvent Full(HttpResponse r) { return {kFull, std::move(r), {}}; }
  static ResponseEvent Head(int status, std::string type,
                            std::vector<std::pair<std::string, std::string>> headers) {
    HttpResponse r;
    r.status = status;
    r.content_type = std::move(type);
    r.headers = std::move(headers);
    return {kHead, std::move(r), {}};
  }
  static ResponseEvent Chunk(std::string data) { return {kChunk, {}, std::move(data)}; }
  static ResponseEvent End() { return {kEnd, {}, {}}; }
};

class ResponseQueue : public std::enable_shared_from_this<ResponseQueue> {
 public:
  explicit ResponseQueue(boost::asio::any_io_executor executor)
      : executor_(executor), timer_(executor) {}

  void SetCancel(CancelToken token) { cancel_ = std::move(token); }

  // Any thread. Events after the terminal one (Full or End) are ignored.
  void Push(ResponseEvent event) {
    {
      std::lock_guard lock(mutex_);
      if (completed_) return;
      if (event.kind == ResponseEvent::kFull || event.kind == ResponseEvent::kEnd)
        completed_ = true;
      if (event.kind == ResponseEvent::kChunk) backlog_.Add(event.data.size());
      events_.push_back(std::move(event));
    }
    Wake();
  }

  bool completed() const {
    std::lock_guard lock(mutex_);
    return completed_;
  }

  // Connection strand only. Returns queued events; empty once cancelled.
  boost::asio::awaitable<std::vector<ResponseEvent>> Next() {
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (!events_.empty()) {
          std::vector<ResponseEvent> out(std::make_move_iterator(events_.begin()),
                                         std::make_move_iterator(events_.end()));
          events_.clear();
          co_return out;
        }
      }
      if (handler_cancelled_) co_return std::vector<ResponseEvent>{};
      timer_.expires_at(boost::asio::steady_timer::time_point::max());
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

  // Connection strand: the client left (or its connection failed).
  void CancelHandler() {
    handler_cancelled_ = true;
    cancel_.Cancel();
    backlog_.Close();  // a producer waiting for the drain must not wait forever
    timer_.cancel();
  }
  bool handler_cancelled() const { return handler_cancelled_; }

  // Connection strand: a chunk went out; wakes producers waiting for it.
  void Written(std::size_t n) { backlog_.Remove(n); }
  std::size_t pending_bytes() const { return backlog_.bytes(); }
  bool WaitForDrain(std::size_t limit, std::function<void()> resume) {
    return backlog_.WaitBelow(limit, std::move(resume));
  }

 private:
  void Wake() {
    // The session may end before this runs: keep the queue (and timer) alive.
    boost::asio::post(executor_, [self = shared_from_this()] { self->timer_.cancel(); });
  }

  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;  // strand-only: parks Next() until Push()
  CancelToken cancel_;
  mutable std::mutex mutex_;  // guards events_ and completed_ against handler threads
  std::vector<ResponseEvent> events_;
  bool completed_ = false;
  std::atomic<bool> handler_cancelled_{false};
  Backlog backlog_;  // chunk bytes pushed and not yet written
};

}  // namespace mv
