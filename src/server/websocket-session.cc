// The WebSocket side of HttpServer. An upgraded connection is one coroutine
// frame on the connection's strand running a read loop and a writer side by
// side; the frame owns the Beast stream. Handlers hold a
// WebSocketSessionImpl, which owns no I/O object: it only queues, and pokes
// the frame through posts to the strand while the frame is alive. So a
// session may outlive the server, and the stream is always destroyed before
// its io_context.
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>  // teardown of a WebSocket over TLS
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>

#include "common/backlog.h"
#include "server/websocket-upgrade.h"

namespace mv {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
using asio::awaitable;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

}  // namespace

class WebSocketSessionImpl final : public WebSocketSession,
                                   public std::enable_shared_from_this<WebSocketSessionImpl> {
 public:
  explicit WebSocketSessionImpl(std::shared_ptr<HttpRequest> request)
      : request_(std::move(request)) {}

  const HttpRequest& request() const override { return *request_; }
  bool SendText(std::string text) override { return Queue({false, std::move(text)}); }
  bool SendBinary(std::string data) override { return Queue({true, std::move(data)}); }

  std::size_t pending_bytes() const override { return backlog_.bytes(); }
  bool WaitForDrain(std::size_t limit, std::function<void()> resume) override {
    return backlog_.WaitBelow(limit, std::move(resume));
  }

  void Close(int code, std::string reason) override {
    std::lock_guard lock(mutex_);
    if (!accepting_) return;
    accepting_ = false;
    close_request_ = {code, reason.substr(0, 120)};  // a control frame holds 123 bytes
    WakeLocked();
  }

  void Abort() override {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    accepting_ = false;
    abort_request_ = true;  // after what is queued, like Close()
    WakeLocked();
  }

  void OnMessage(std::function<void(WebSocketMessage)> fn) override {
    std::unique_lock lock(mutex_);
    if (io_alive_) {
      // On the strand, so queued and new messages keep their order.
      asio::post(*strand_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
        self->SetMessageCallback(std::move(fn));
      });
      return;
    }
    lock.unlock();
    SetMessageCallback(std::move(fn));
  }

  void OnClose(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    if (!ended_) {
      on_close_ = std::move(fn);
      return;
    }
    lock.unlock();
    if (fn) fn();
  }

  std::optional<WebSocketMessage> Receive(int timeout_ms) override {
    std::unique_lock lock(mutex_);
    auto ready = [&] { return !inbox_.empty() || ended_; };
    if (timeout_ms < 0) {
      cv_.wait(lock, ready);
    } else {
      cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready);
    }
    if (inbox_.empty()) return std::nullopt;
    WebSocketMessage message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }

  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return !ended_;
  }

  int close_code() const override {
    std::lock_guard lock(mutex_);
    return close_code_;
  }

  // ---- the I/O side: strand only ----

  void Attach(asio::any_io_executor strand, asio::steady_timer* wake) {
    std::lock_guard lock(mutex_);
    strand_ = std::move(strand);
    wake_ = wake;
    io_alive_ = true;
  }

  // The frame is going away (normal end, or its io_context being destroyed).
  void Detach() {
    {
      std::lock_guard lock(mutex_);
      wake_ = nullptr;
      strand_.reset();
      io_alive_ = false;
    }
    End(0);
  }

  // Server stop: what is queued goes out, then close 1001 (going away), and
  // the session ends for handlers at once. Any thread.
  void GoingAway() {
    {
      std::lock_guard lock(mutex_);
      if (accepting_) {
        accepting_ = false;
        close_request_ = {1001, "server stopping"};
      }
      WakeLocked();  // before End(): a wake is posted only while not ended
    }
    End(1001);
  }

  // Ends the session for handlers: Receive() returns, sends are refused, and
  // on_close runs (here, on the caller's thread). Any thread.
  void End(int code) {
    std::function<void()> on_close;
    {
      std::lock_guard lock(mutex_);
      if (ended_) return;
      ended_ = true;
      accepting_ = false;
      close_code_ = code;
      on_close = std::move(on_close_);
      cv_.notify_all();
    }
    if (on_close) {
      try {
        on_close();
      } catch (const std::exception& e) {
        spdlog::error("WebSocket {}: on_close threw: {}", request_->path, e.what());
      }
    }
    // After on_close (which cancels what the handler runs): producers
    // waiting for the drain go on, and find their work cancelled.
    backlog_.Close();
  }

  template <class Ws>
  awaitable<void> ReadLoop(Ws& ws, asio::steady_timer& wake) {
    for (;;) {
      beast::flat_buffer buffer;
      auto [ec, n] = co_await ws.async_read(buffer, kNoThrow);
      if (ec) {
        End(ec == websocket::error::closed ? ws.reason().code : 0);
        wake.cancel();  // the writer has nothing left to do
        co_return;
      }
      WebSocketMessage message{ws.got_binary(), beast::buffers_to_string(buffer.data())};
      std::unique_lock lock(mutex_);
      if (ended_) continue;  // the server is stopping
      if (!on_message_) {
        inbox_.push_back(std::move(message));
        cv_.notify_all();
        continue;
      }
      auto fn = on_message_;  // a copy: OnMessage() may replace it meanwhile
      lock.unlock();
      Deliver(fn, std::move(message));
    }
  }

  template <class Ws>
  awaitable<void> WriteLoop(Ws& ws, asio::steady_timer& wake) {
    for (;;) {
      std::optional<WebSocketMessage> next;
      std::optional<std::pair<int, std::string>> close;
      bool ended = false, abort = false;
      {
        std::lock_guard lock(mutex_);
        if (!outbox_.empty()) {
          next = std::move(outbox_.front());
          outbox_.pop_front();
        } else {
          close = std::exchange(close_request_, std::nullopt);
          abort = abort_request_;
        }
        ended = ended_;
      }
      if (next) {
        ws.binary(next->binary);
        auto [ec, n] = co_await ws.async_write(asio::buffer(next->data), kNoThrow);
        backlog_.Remove(next->data.size());  // outside mutex_: wakes producers
        if (ec) {
          beast::get_lowest_layer(ws).close();  // the read loop ends too
          co_return;
        }
        continue;
      }
      if (abort) {
        beast::get_lowest_layer(ws).close();  // the read loop ends
        co_return;
      }
      if (close) {
        websocket::close_reason why;
        why.code = static_cast<std::uint16_t>(close->first);
        why.reason = close->second;
        co_await ws.async_close(why, kNoThrow);  // the read loop sees the end
        co_return;
      }
      if (ended) co_return;
      wake.expires_at(asio::steady_timer::time_point::max());
      co_await wake.async_wait(kNoThrow);
    }
  }

 private:
  bool Queue(WebSocketMessage message) {
    std::lock_guard lock(mutex_);
    if (!accepting_) return false;
    backlog_.Add(message.data.size());
    outbox_.push_back(std::move(message));
    WakeLocked();
    return true;
  }

  // Wakes the writer. Posts only while the frame is alive, so nothing is
  // ever posted to a destroyed io_context.
  void WakeLocked() {
    if (!io_alive_ || ended_ || wake_posted_) return;
    wake_posted_ = true;
    asio::post(*strand_, [self = shared_from_this()] {
      std::unique_lock lock(self->mutex_);
      self->wake_posted_ = false;
      asio::steady_timer* wake = self->wake_;
      lock.unlock();
      if (wake) wake->cancel();
    });
  }

  // Strand (or no frame any more): queued messages first, in order.
  void SetMessageCallback(std::function<void(WebSocketMessage)> fn) {
    std::deque<WebSocketMessage> queued;
    {
      std::lock_guard lock(mutex_);
      on_message_ = fn;
      if (fn) queued.swap(inbox_);
    }
    for (auto& m : queued) Deliver(fn, std::move(m));
  }

  void Deliver(const std::function<void(WebSocketMessage)>& fn, WebSocketMessage message) {
    try {
      fn(std::move(message));
    } catch (const std::exception& e) {
      spdlog::error("WebSocket {}: on_message threw: {}", request_->path, e.what());
    }
  }

  const std::shared_ptr<HttpRequest> request_;

  mutable std::mutex mutex_;    // guards everything below but backlog_
  std::condition_variable cv_;  // inbox_ and ended_, for Receive()
  std::deque<WebSocketMessage> inbox_;
  std::deque<WebSocketMessage> outbox_;
  Backlog backlog_;        // bytes in outbox_ and being written (has its own lock)
  bool accepting_ = true;  // sends are queued (false after Close() or the end)
  bool ended_ = false;
  int close_code_ = 0;
  std::optional<std::pair<int, std::string>> close_request_;
  bool abort_request_ = false;
  std::function<void(WebSocketMessage)> on_message_;
  std::function<void()> on_close_;
  bool wake_posted_ = false;
  // The frame's strand and timer; valid while io_alive_ (the timer is used
  // on the strand only). The executor goes with the frame: a strand must not
  // outlive its io_context, and a session may.
  bool io_alive_ = false;
  std::optional<asio::any_io_executor> strand_;
  asio::steady_timer* wake_ = nullptr;
};

void WebSocketRoutes::Add(const std::string& path, WebSocketHandler handler) {
  routes_.emplace_back(path, std::move(handler));
}

const WebSocketHandler* WebSocketRoutes::Find(const std::string& path) const {
  for (const auto& [p, handler] : routes_)
    if (p == path) return &handler;
  return nullptr;
}

bool WebSocketRoutes::IsUpgrade(const beast::http::request<beast::http::string_body>& request) {
  return websocket::is_upgrade(request);
}

void WebSocketRoutes::Track(const std::shared_ptr<WebSocketSessionImpl>& session) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      std::erase_if(live_, [](const auto& weak) { return weak.expired(); });
      live_.push_back(session);
      return;
    }
  }
  session->GoingAway();  // accepted while the server stops
}

int WebSocketRoutes::LiveFrames() const { return frames_.load(); }

void WebSocketRoutes::CloseAll() {
  std::vector<std::weak_ptr<WebSocketSessionImpl>> live;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    live.swap(live_);
  }
  for (const auto& weak : live)
    if (auto session = weak.lock()) session->GoingAway();
}

awaitable<void> WebSocketRoutes::Serve(beast::tcp_stream stream,
                                       beast::http::request<beast::http::string_body> request,
                                       std::shared_ptr<HttpRequest> info,
                                       const WebSocketHandler& handler,
                                       std::size_t max_message_bytes) {
  return ServeOn(std::move(stream), std::move(request), std::move(info), handler,
                 max_message_bytes);
}

awaitable<void> WebSocketRoutes::Serve(beast::ssl_stream<beast::tcp_stream> stream,
                                       beast::http::request<beast::http::string_body> request,
                                       std::shared_ptr<HttpRequest> info,
                                       const WebSocketHandler& handler,
                                       std::size_t max_message_bytes) {
  return ServeOn(std::move(stream), std::move(request), std::move(info), handler,
                 max_message_bytes);
}

template <class Stream>
awaitable<void> WebSocketRoutes::ServeOn(Stream stream,
                                         beast::http::request<beast::http::string_body> request,
                                         std::shared_ptr<HttpRequest> info,
                                         const WebSocketHandler& handler,
                                         std::size_t max_message_bytes) {
  websocket::stream<Stream> ws(std::move(stream));
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(10);  // opening and closing
  ws.set_option(timeouts);
  // Only a subprotocol the server speaks is ever chosen: "realtime"
  // (OpenAI Realtime clients, browsers included), else the beta name. An
  // offered key (openai-insecure-api-key.*) or anything else is never sent
  // back.
  std::string subprotocol;
  for (std::string_view rest = request[beast::http::field::sec_websocket_protocol];
       !rest.empty();) {
    std::string_view item = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "realtime") subprotocol = item;
    if (item == "openai-beta.realtime-v1" && subprotocol.empty()) subprotocol = item;
  }
  ws.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& res) {
    res.set(beast::http::field::server, "mirrorvox");
    if (!subprotocol.empty()) res.set(beast::http::field::sec_websocket_protocol, subprotocol);
  }));
  ws.read_message_max(max_message_bytes);
  ws.auto_fragment(false);
  auto [ec] = co_await ws.async_accept(request, kNoThrow);
  if (ec) co_return;

  auto strand = co_await asio::this_coro::executor;
  auto session = std::make_shared<WebSocketSessionImpl>(std::move(info));
  asio::steady_timer wake(strand);
  session->Attach(strand, &wake);
  // Also runs when the io_context destroys this frame unfinished.
  ++frames_;
  struct DetachAtExit {
    std::shared_ptr<WebSocketSessionImpl> session;
    std::atomic<int>& frames;
    ~DetachAtExit() {
      session->Detach();
      --frames;
    }
  } detach{session, frames_};
  Track(session);
  if (!session->is_open()) co_return;
  try {
    handler(session);
  } catch (const std::exception& e) {
    spdlog::error("WebSocket {}: handler threw: {}", session->request().path, e.what());
    co_return;
  }
  co_await (session->ReadLoop(ws, wake) && session->WriteLoop(ws, wake));
}

}  // namespace mv
