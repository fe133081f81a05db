// One connection = three coroutines on a strand: connect (once), a read loop
// that runs until the connection ends, and a writer that drains the outbox
// whenever it has something. A watchdog timer enforces the connect and send
// timeouts; a timeout, a cancel or the destructor all end the connection the
// same way: record why, close the socket, and let the pending operations fail.
#include "net/websocket-client.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <tuple>

#include "net/http-url.h"
#include "net/net-io.h"
#include "net/tls-client.h"

namespace mv {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Errors kept in the connection's state are thrown to the caller's thread
// as copies with their own message: a plain copy shares libstdc++'s
// reference-counted message buffer with the state, which an I/O thread
// frees later (ThreadSanitizer cannot see that count, in uninstrumented
// libstdc++, and reports the free racing the caller's what()).
[[noreturn]] void ThrowOwnCopy(const mv::Error& e) {
  throw mv::Error(e.kind(), e.code(), std::string(e.what()));
}

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<ssl::stream<beast::tcp_stream>>;

enum class Abort { kNone, kTimeout, kCancelled, kShutdown };

// ws:// and wss:// are http:// and https:// as far as connecting goes.
HttpUrl ParseWsUrl(const std::string& url) {
  std::string lower = url.substr(0, 6);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("ws://", 0) == 0) return HttpUrl::Parse("http://" + url.substr(5));
  if (lower.rfind("wss://", 0) == 0) return HttpUrl::Parse("https://" + url.substr(6));
  throw Error(ErrorKind::kInvalidInput, "bad_url",
              "invalid URL '" + url + "': scheme must be ws or wss");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(asio::io_context& ioc) : strand(asio::make_strand(ioc)) {}

  struct Waiter {  // one blocked Send(); fields guarded by Impl::mutex
    bool done = false;
    std::optional<Error> error;
  };
  struct Outgoing {
    std::string data;
    bool binary = false;
    bool close = false;  // a close frame with code/reason instead of data
    int code = 1000;
    std::shared_ptr<Waiter> waiter;
  };

  WebSocketOptions options;
  WebSocketCallbacks callbacks;
  CancelToken cancel;
  std::string authority;
  asio::strand<asio::io_context::executor_type> strand;

  // Strand only.
  tcp::resolver resolver{strand};
  std::shared_ptr<ssl::context> tls_context;  // outlives `tls`
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> tls;
  asio::steady_timer watchdog{strand};
  std::uint64_t watchdog_generation = 0;
  const char* watchdog_phase = "connect";
  int watchdog_ms = 0;
  Abort abort = Abort::kNone;
  std::deque<Outgoing> outbox;
  bool writing = false;

  mutable std::mutex mutex;    // guards everything below and every Waiter
  std::condition_variable cv;  // inbox, connect_done, ended, running, waiters
  std::deque<WebSocketMessage> inbox;
  bool connect_done = false;
  std::optional<Error> connect_error;
  bool ended = false;            // the read loop finished: nothing more comes in
  std::optional<Error> failure;  // why it ended; nullopt after a clean close
  int peer_close_code = 0;
  std::string peer_close_reason;
  std::map<std::string, std::string> response_headers;
  int running = 0;  // coroutines alive; the destructor waits for none

  void Finished() {
    std::lock_guard lock(mutex);
    --running;
    cv.notify_all();
  }

  // Strand only. Ends the connection: closing the socket fails what is pending.
  void Stop(Abort why) {
    if (abort == Abort::kNone) abort = why;
    resolver.cancel();
    boost::system::error_code ec;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ec);
    if (plain) beast::get_lowest_layer(*plain).socket().close(ec);
  }

  // Strand only. 0 disables the watchdog.
  void Arm(int ms, const char* phase) {
    watchdog_phase = phase;
    watchdog_ms = ms;
    ++watchdog_generation;
    watchdog.cancel();
    if (ms <= 0) return;
    watchdog.expires_after(std::chrono::milliseconds(ms));
    watchdog.async_wait([weak = weak_from_this(), gen = watchdog_generation](auto ec) {
      auto self = weak.lock();
      if (!ec && self && gen == self->watchdog_generation) self->Stop(Abort::kTimeout);
    });
  }
  void Disarm() { Arm(0, watchdog_phase); }

  // The error for what happened, preferring the recorded abort reason.
  Error Failure(ErrorKind kind, const char* code, const std::string& what) const {
    switch (abort) {
      case Abort::kTimeout:
        return Error(ErrorKind::kTimeout, std::string(watchdog_phase) + "_timeout",
                     "WebSocket " + std::string(watchdog_phase) + " to " + authority +
                         " timed out after " + std::to_string(watchdog_ms) + " ms");
      case Abort::kCancelled:
        return Error(ErrorKind::kCancelled, "cancelled", "WebSocket request cancelled");
      case Abort::kShutdown:
        return Error(ErrorKind::kCancelled, "client_closed", "WebSocket client closed");
      case Abort::kNone:
        break;
    }
    return Error(kind, code, what);
  }

  template <class Ws>
  awaitable<std::optional<Error>> Upgrade(Ws& ws, const HttpUrl& url) {
    auto& lowest = beast::get_lowest_layer(ws);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), kNoThrow);
    if (rec || abort != Abort::kNone)
      co_return Failure(ErrorKind::kUnavailable, "dns_failed",
                        "cannot resolve host '" + url.host + "': " + rec.message());
    // One endpoint at a time, on a copy of each (no range-connect op holding
    // the resolver results across the suspension): the first that accepts.
    boost::system::error_code cec = asio::error::host_not_found;
    for (const tcp::endpoint ep : endpoints) {
      if (abort != Abort::kNone) break;  // Stop() ran on this strand: stay closed
      boost::system::error_code ignored;
      lowest.socket().close(ignored);
      std::tie(cec) = co_await lowest.async_connect(ep, kNoThrow);
      if (!cec) break;
    }
    if (cec || abort != Abort::kNone)
      co_return Failure(ErrorKind::kUnavailable, "connect_failed",
                        "cannot connect to " + authority + ": " + cec.message());
    boost::system::error_code ignored;
    lowest.socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (std::is_same_v<Ws, TlsWs>) {
      PrepareClientTls(ws.next_layer().native_handle(), url, options.verify_tls);
      auto [tec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, kNoThrow);
      if (tec || abort != Abort::kNone)
        co_return Failure(
            ErrorKind::kUnavailable, "tls_failed",
            DescribeTlsFailure(ws.next_layer().native_handle(), tec, authority, "ws"));
    }
    // The watchdog and Close() own every timeout.
    ws.set_option(websocket::stream_base::timeout{websocket::stream_base::none(),
                                                  websocket::stream_base::none(), false});
    ws.set_option(websocket::stream_base::decorator(
        [headers = options.headers](websocket::request_type& req) {
          req.set(beast::http::field::user_agent, "mirrorvox/0.1");
          for (const auto& [k, v] : headers) req.set(k, v);
        }));
    ws.read_message_max(options.max_message_bytes);
    ws.auto_fragment(false);  // one frame per message: the simplest peers cope
    websocket::response_type res;
    auto [hec] = co_await ws.async_handshake(res, url.HostHeader(), url.target, kNoThrow);
    if (hec || abort != Abort::kNone) {
      if (hec == websocket::error::upgrade_declined)
        co_return Failure(ErrorKind::kUnavailable, "upgrade_refused",
                          authority + url.target + " answered HTTP " +
                              std::to_string(res.result_int()) + " instead of a WebSocket upgrade");
      co_return Failure(ErrorKind::kUnavailable, "handshake_failed",
                        "WebSocket handshake with " + authority + " failed: " + hec.message());
    }
    std::lock_guard lock(mutex);
    for (const auto& f : res) response_headers[Lower(f.name_string())] = std::string(f.value());
    co_return std::nullopt;
  }

  static awaitable<void> RunConnect(std::shared_ptr<Impl> self, HttpUrl url) {
    std::optional<Error> error;
    try {
      self->Arm(self->options.connect_timeout_ms, "connect");
      if (self->tls) {
        error = co_await self->Upgrade(*self->tls, url);
      } else {
        error = co_await self->Upgrade(*self->plain, url);
      }
    } catch (const Error& e) {
      error = e;
    } catch (const std::exception& e) {
      error = Error(ErrorKind::kInternal, "exception", e.what());
    }
    self->Disarm();
    if (error) {
      self->Stop(self->abort);
    } else {
      {
        std::lock_guard lock(self->mutex);
        ++self->running;
      }
      asio::co_spawn(self->strand, ReadLoop(self), asio::detached);
    }
    std::lock_guard lock(self->mutex);
    self->connect_done = true;
    self->connect_error = std::move(error);
    --self->running;
    self->cv.notify_all();
  }

  template <class Ws>
  awaitable<void> ReadFrom(Ws& ws) {
    for (;;) {
      beast::flat_buffer buffer;
      auto [ec, n] = co_await ws.async_read(buffer, kNoThrow);
      if (ec) {
        std::optional<Error> why;
        int code = 0;
        std::string reason;
        if (ec == websocket::error::closed) {
          code = ws.reason().code;
          reason = std::string(ws.reason().reason.c_str());
        } else if (abort != Abort::kNone) {
          why = Failure(ErrorKind::kInternal, "aborted", "");
        } else if (ec == websocket::error::message_too_big) {
          why = Error(ErrorKind::kTooLarge, "message_too_large",
                      "a message from " + authority + " exceeds " +
                          std::to_string(options.max_message_bytes) + " bytes");
        } else {
          why = Error(ErrorKind::kUpstream, "connection_lost",
                      "WebSocket connection to " + authority + " broke: " + ec.message());
        }
        Stop(abort);
        {
          std::lock_guard lock(mutex);
          ended = true;
          failure = why;
          peer_close_code = code;
          peer_close_reason = reason;
          cv.notify_all();
        }
        if (callbacks.on_close) {
          try {
            callbacks.on_close(std::move(why));
          } catch (const std::exception& e) {
            spdlog::error("WebSocket client: on_close threw: {}", e.what());
          }
        }
        co_return;
      }
      WebSocketMessage message{ws.got_binary(), beast::buffers_to_string(buffer.data())};
      if (callbacks.on_message) {
        try {
          callbacks.on_message(std::move(message));
        } catch (const std::exception& e) {
          spdlog::error("WebSocket client: on_message threw: {}", e.what());
        }
      } else {
        std::lock_guard lock(mutex);
        inbox.push_back(std::move(message));
        cv.notify_all();
      }
    }
  }

  static awaitable<void> ReadLoop(std::shared_ptr<Impl> self) {
    if (self->tls) {
      co_await self->ReadFrom(*self->tls);
    } else {
      co_await self->ReadFrom(*self->plain);
    }
    self->Finished();
  }

  template <class Ws>
  awaitable<void> WriteTo(Ws& ws) {
    while (!outbox.empty()) {
      Outgoing item = std::move(outbox.front());
      outbox.pop_front();
      std::optional<Error> error;
      if (item.close) {
        // The read loop sees the peer's answer; errors end the connection anyway.
        websocket::close_reason why;
        why.code = static_cast<std::uint16_t>(item.code);
        why.reason = item.data.substr(0, 120);  // control frames carry at most 123 bytes
        co_await ws.async_close(why, kNoThrow);
      } else {
        ws.binary(item.binary);
        Arm(options.send_timeout_ms, "send");
        auto [ec, n] = co_await ws.async_write(asio::buffer(item.data), kNoThrow);
        Disarm();
        if (ec || abort != Abort::kNone) {
          error = Failure(ErrorKind::kUpstream, "send_failed",
                          "sending to " + authority + " failed: " + ec.message());
          Stop(abort);
        }
      }
      if (item.waiter) {
        std::lock_guard lock(mutex);
        item.waiter->done = true;
        item.waiter->error = std::move(error);
        cv.notify_all();
      }
    }
  }

  static awaitable<void> WriteLoop(std::shared_ptr<Impl> self) {
    if (self->tls) {
      co_await self->WriteTo(*self->tls);
    } else {
      co_await self->WriteTo(*self->plain);
    }
    self->writing = false;
    self->Finished();
  }

  // Any thread: queues `item` and starts the writer when idle.
  void Enqueue(Outgoing item) {
    {
      std::lock_guard lock(mutex);
      ++running;  // the posted handler below; Finished() or the writer takes it back
    }
    asio::post(strand, [self = shared_from_this(), item = std::move(item)]() mutable {
      self->outbox.push_back(std::move(item));
      if (self->writing) {
        self->Finished();
        return;
      }
      self->writing = true;  // the count taken in Enqueue() now belongs to the writer
      asio::co_spawn(self->strand, WriteLoop(self), asio::detached);
    });
  }

  void Send(std::string_view data, bool binary) {
    {
      std::lock_guard lock(mutex);
      if (ended) {
        if (failure) ThrowOwnCopy(*failure);
        throw Error(ErrorKind::kUpstream, "closed",
                    "the WebSocket connection to " + authority + " is closed");
      }
    }
    if (cancel.IsCancelled())
      throw Error(ErrorKind::kCancelled, "cancelled", "WebSocket request cancelled");
    auto waiter = std::make_shared<Waiter>();
    Enqueue(Outgoing{std::string(data), binary, false, 0, waiter});
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return waiter->done; });
    if (waiter->error) ThrowOwnCopy(*waiter->error);
  }

  CancelRegistration cancel_hook;  // on `cancel`; unhooked when the connection goes
};

WebSocketClient::WebSocketClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<WebSocketClient> WebSocketClient::Connect(NetIo& io, const std::string& url,
                                                          const WebSocketOptions& options,
                                                          const CancelToken& cancel,
                                                          WebSocketCallbacks callbacks) {
  HttpUrl parsed = ParseWsUrl(url);
  auto impl = std::make_shared<Impl>(io.context());
  impl->options = options;
  impl->callbacks = std::move(callbacks);
  impl->cancel = cancel;
  impl->authority = parsed.Authority();
  if (parsed.tls) {
    impl->tls_context = ClientTlsContext(options.ca_file);
    impl->tls = std::make_unique<TlsWs>(impl->strand, *impl->tls_context);
  } else {
    impl->plain = std::make_unique<PlainWs>(impl->strand);
  }
  // Wrapped at once, so the destructor cleans up on every path below.
  std::unique_ptr<WebSocketClient> client(new WebSocketClient(impl));
  std::weak_ptr<Impl> weak = impl;
  impl->cancel_hook = cancel.OnCancel([weak] {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand, [self] { self->Stop(Abort::kCancelled); });
    std::lock_guard lock(self->mutex);
    self->cv.notify_all();
  });
  {
    std::lock_guard lock(impl->mutex);
    ++impl->running;
  }
  asio::co_spawn(impl->strand, Impl::RunConnect(impl, std::move(parsed)), asio::detached);
  std::unique_lock lock(impl->mutex);
  impl->cv.wait(lock, [&] { return impl->connect_done; });
  if (impl->connect_error) ThrowOwnCopy(*impl->connect_error);
  return client;
}

WebSocketClient::~WebSocketClient() {
  asio::post(impl_->strand, [impl = impl_] { impl->Stop(Abort::kShutdown); });
  // From our own callback the loops cannot finish while we wait: don't.
  if (impl_->strand.running_in_this_thread()) return;
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait(lock, [&] { return impl_->running == 0; });
}

void WebSocketClient::SendText(std::string_view text) { impl_->Send(text, false); }

void WebSocketClient::SendBinary(std::string_view data) { impl_->Send(data, true); }

std::optional<WebSocketMessage> WebSocketClient::Receive(int timeout_ms) {
  std::unique_lock lock(impl_->mutex);
  auto ready = [&] { return !impl_->inbox.empty() || impl_->ended || impl_->cancel.IsCancelled(); };
  if (timeout_ms < 0) {
    impl_->cv.wait(lock, ready);
  } else if (!impl_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready)) {
    throw Error(
        ErrorKind::kTimeout, "receive_timeout",
        "no message from " + impl_->authority + " in " + std::to_string(timeout_ms) + " ms");
  }
  if (!impl_->inbox.empty()) {
    WebSocketMessage message = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return message;
  }
  if (!impl_->ended) throw Error(ErrorKind::kCancelled, "cancelled", "WebSocket request cancelled");
  if (impl_->failure) ThrowOwnCopy(*impl_->failure);
  return std::nullopt;
}

void WebSocketClient::Close(int code, std::string_view reason, int timeout_ms) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->ended) return;
  }
  impl_->Enqueue(Impl::Outgoing{std::string(reason), false, true, code, nullptr});
  std::unique_lock lock(impl_->mutex);
  if (!impl_->cv.wait_for(lock, std::chrono::milliseconds(std::max(0, timeout_ms)),
                          [&] { return impl_->ended; })) {
    asio::post(impl_->strand, [impl = impl_] { impl->Stop(Abort::kShutdown); });
  }
}

bool WebSocketClient::is_open() const {
  std::lock_guard lock(impl_->mutex);
  return !impl_->ended;
}

int WebSocketClient::close_code() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->peer_close_code;
}

std::string WebSocketClient::close_reason() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->peer_close_reason;
}

const std::map<std::string, std::string>& WebSocketClient::response_headers() const {
  return impl_->response_headers;  // written once, before Connect() returned
}

}  // namespace mv
