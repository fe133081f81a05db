// HTTP/1.1 over Boost.Beast with one coroutine per connection. The rest of
// the code sees only http-types.h: Beast stays in this translation unit.
// With TLS configured, every connection's first bytes decide: a ClientHello
// gets a TLS handshake and HTTPS/WSS, anything else plain HTTP/WS, so local
// tools keep working on the same port. The session code is one template
// over the two stream types.
#include "server/http-server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "common/client-text.h"
#include "common/error.h"
#include "server/access-control.h"
#include "server/response-queue.h"
#include "server/websocket-upgrade.h"

namespace mv {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using asio::awaitable;
using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;
constexpr auto kNoThrow = asio::as_tuple(use_awaitable);
using Headers = std::vector<std::pair<std::string, std::string>>;

// Request head limit. Trailers of a chunked body are not covered by Beast's
// header_limit, and a field over 65533 bytes makes basic_fields throw: the
// read buffer's own limit bounds them (and any other unparsed bytes) below
// that, so no field can get near it.
constexpr std::size_t kHeaderLimit = 32 * 1024;
constexpr std::size_t kReadBufferLimit = 60 * 1024;

void ConfigureParser(http::request_parser<http::string_body>& parser, std::size_t max_body) {
  parser.body_limit(max_body);
  parser.header_limit(kHeaderLimit);
}

// On every response: browsers must not guess a type for our JSON errors.
void CommonHeaders(http::fields& f, const Headers& extra) {
  f.set(http::field::server, "mirrorvox");
  f.set("X-Content-Type-Options", "nosniff");
  for (const auto& [k, v] : extra) f.set(k, v);
}

// Counts a request (or WebSocket session) as unanswered until it goes out
// of scope; see HttpServer::WaitAnswered().
struct Answered {
  std::atomic<int>& n;
  ~Answered() { --n; }
};

struct RouteEntry {
  std::string method;
  std::string path;
  bool prefix = false;
  HttpHandler handler;
};

// What a handler holds. Dropping it without completing answers 500, so a
// forgotten code path can never leave a client hanging.
class QueueResponder final : public Responder {
 public:
  QueueResponder(std::shared_ptr<ResponseQueue> queue, const CancelToken& parent)
      : queue_(std::move(queue)), parent_(parent) {
    cancel_ = parent.Child();
    queue_->SetCancel(cancel_);
  }
  ~QueueResponder() override {
    if (queue_->completed()) return;
    // Dropped because the server is stopping: say so, do not blame the handler.
    queue_->Push(ResponseEvent::Full(parent_.IsCancelled()
                                         ? HttpResponse::Error(503, "unavailable", "shutting_down",
                                                               "the server is shutting down")
                                         : HttpResponse::Error(500, "internal_error", "no_response",
                                                               "handler gave no response")));
  }
  void Send(HttpResponse response) override {
    queue_->Push(ResponseEvent::Full(std::move(response)));
  }
  void StartStream(int status, std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers) override {
    queue_->Push(ResponseEvent::Head(status, std::move(content_type), std::move(headers)));
  }
  bool Write(std::string chunk) override {
    if (cancel_.IsCancelled()) return false;
    if (!chunk.empty()) queue_->Push(ResponseEvent::Chunk(std::move(chunk)));
    return true;
  }
  void End() override { queue_->Push(ResponseEvent::End()); }
  std::size_t Pending() const override { return queue_->pending_bytes(); }
  bool WaitForDrain(std::size_t limit, std::function<void()> resume) override {
    return queue_->WaitForDrain(limit, std::move(resume));
  }

 private:
  std::shared_ptr<ResponseQueue> queue_;
  CancelToken parent_;  // HttpServerOptions::cancel_all
};

HttpResponse ErrorFor(int status, std::string_view code, std::string_view message) {
  const char* type = status == 413   ? "too_large"
                     : status == 404 ? "not_found"
                     : status == 405 ? "method_not_allowed"
                                     : "invalid_request_error";
  return HttpResponse::Error(status, type, code, message);
}

// The TCP layer of either stream type: timeouts and closing live there.
template <class Stream>
beast::tcp_stream& Tcp(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

std::unique_ptr<ssl::context> MakeTlsContext(const HttpServerOptions& o) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use |
                   ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->use_certificate_chain(asio::buffer(o.tls_cert_pem), ec);
  if (ec)
    throw Error(ErrorKind::kInvalidInput, "bad_tls_file",
                "server.tls.cert: unusable certificate: " + ec.message());
  ctx->use_private_key(asio::buffer(o.tls_key_pem), ssl::context::pem, ec);
  if (ec)
    throw Error(ErrorKind::kInvalidInput, "bad_tls_file",
                "server.tls.key: unusable private key: " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw Error(ErrorKind::kInvalidInput, "bad_tls_file",
                "server.tls.key does not belong to the certificate in server.tls.cert");
  return ctx;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  std::unique_ptr<ssl::context> tls;  // set in Start() when options carry a TLS pair
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(ioc)};
  std::vector<RouteEntry> routes;
  WebSocketRoutes websockets;  // upgrade routes and live sessions (see Stop())
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  std::mutex stop_mutex;  // guards stop_cv waiting in Wait()
  std::condition_variable stop_cv;
  std::atomic<int> bound_port{0};
  std::atomic<int> answering{0};  // requests handed to a route, answer not yet written

  explicit Impl(HttpServerOptions o) : options(std::move(o)) {}

  const RouteEntry* Find(const HttpRequest& req, bool* path_known) const {
    *path_known = false;
    for (const auto& r : routes) {
      bool match = r.prefix ? req.path.starts_with(r.path) : req.path == r.path;
      if (!match) continue;
      *path_known = true;
      if (r.method == req.method) return &r;
    }
    return nullptr;
  }

  awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) {
        if (ec == asio::error::operation_aborted || stopped) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto strand = asio::make_strand(ioc);
      // One connection's exception ends that connection only (its socket
      // closes with the coroutine frame); it never reaches io_context::run.
      asio::co_spawn(strand, Connection(beast::tcp_stream(std::move(socket))),
                     [](std::exception_ptr e) {
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         spdlog::error("connection dropped: unexpected exception: {}", ex.what());
                       } catch (...) {
                         spdlog::error("connection dropped: unexpected exception");
                       }
                     });
    }
  }

  static std::shared_ptr<HttpRequest> ToRequest(http::request<http::string_body>& msg,
                                                const std::string& remote, std::string* error) {
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    auto url = boost::urls::parse_origin_form(req->target);
    if (!url) {
      *error = "malformed request target";
      return nullptr;
    }
    req->path = std::string(url->path());
    for (auto param : url->params()) req->query[std::string(param.key)] = std::string(param.value);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req->headers[name] = std::string(field.value());
    }
    req->body = std::move(msg.body());
    req->remote = remote;
    return req;
  }

  template <class Stream>
  static awaitable<bool> WriteFull(Stream& stream, const HttpResponse& r, bool keep_alive,
                                   int idle_timeout_s, const Headers& extra = {}) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    CommonHeaders(res, extra);
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = r.body;
    res.prepare_payload();
    Tcp(stream).expires_after(std::chrono::seconds(idle_timeout_s));
    auto [ec, n] = co_await http::async_write(stream, res, kNoThrow);
    Tcp(stream).expires_never();
    co_return !ec;
  }

  // Drains the handler's events to the socket until the response is complete.
  template <class Stream>
  awaitable<bool> Respond(Stream& stream, std::shared_ptr<ResponseQueue> queue, bool keep_alive,
                          const Headers& extra) {
    bool streaming = false;
    for (;;) {
      auto events = co_await queue->Next();
      if (events.empty()) co_return false;  // the client left
      for (auto& ev : events) {
        switch (ev.kind) {
          case ResponseEvent::kFull:
            if (streaming) {  // an error after the head: all we can do is cut the stream
              co_return false;
            }
            co_return co_await WriteFull(stream, ev.response, keep_alive, options.idle_timeout_s,
                                         extra);
          case ResponseEvent::kHead: {
            http::response<http::empty_body> res{static_cast<http::status>(ev.response.status), 11};
            CommonHeaders(res, extra);
            res.set(http::field::content_type, ev.response.content_type);
            res.set(http::field::cache_control, "no-cache");
            res.set("X-Accel-Buffering", "no");
            for (const auto& [k, v] : ev.response.headers) res.set(k, v);
            res.keep_alive(keep_alive);
            res.chunked(true);
            http::response_serializer<http::empty_body> sr{res};
            Tcp(stream).expires_after(std::chrono::seconds(options.idle_timeout_s));
            auto [ec, n] = co_await http::async_write_header(stream, sr, kNoThrow);
            Tcp(stream).expires_never();
            if (ec) co_return false;
            streaming = true;
            break;
          }
          case ResponseEvent::kChunk: {
            Tcp(stream).expires_after(std::chrono::seconds(options.idle_timeout_s));
            auto [ec, n] = co_await asio::async_write(
                stream, http::make_chunk(asio::buffer(ev.data)), kNoThrow);
            Tcp(stream).expires_never();
            queue->Written(ev.data.size());
            if (ec) co_return false;
            break;
          }
          case ResponseEvent::kEnd: {
            Tcp(stream).expires_after(std::chrono::seconds(options.idle_timeout_s));
            auto [ec, n] = co_await asio::async_write(stream, http::make_chunk_last(), kNoThrow);
            Tcp(stream).expires_never();
            co_return !ec;
          }
        }
      }
    }
  }

  // Reads while a response is being produced: EOF or an error means the
  // client left, so the handler's work is cancelled. Pipelined bytes are kept.
  // The read timer stays off: expires_after() in Respond() only arms the
  // write side while this read is pending.
  template <class Stream>
  static awaitable<void> WatchDisconnect(Stream& stream, beast::flat_buffer& buffer,
                                         std::shared_ptr<ResponseQueue> queue) {
    for (;;) {
      if (buffer.max_size() - buffer.size() < 4096) {
        // A client pushing data it will never have answered: prepare()
        // would throw past the buffer's limit.
        queue->CancelHandler();
        asio::steady_timer never(co_await asio::this_coro::executor,
                                 asio::steady_timer::time_point::max());
        co_await never.async_wait(kNoThrow);
        co_return;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kNoThrow);
      if (ec == asio::error::operation_aborted) co_return;  // response finished first
      if (ec) {
        // A finished response needs nobody to wait for: EOF then is only a
        // half-close after the last request.
        if (!queue->completed()) queue->CancelHandler();
        // Stay pending: finishing would cancel Respond() (operator||), which
        // ends by itself once the queue is cancelled or drained.
        asio::steady_timer never(co_await asio::this_coro::executor,
                                 asio::steady_timer::time_point::max());
        co_await never.async_wait(kNoThrow);
        co_return;
      }
      buffer.commit(n);
    }
  }

  // Plain or TLS by the first bytes (when TLS is configured), then Session().
  awaitable<void> Connection(beast::tcp_stream stream) {
    beast::flat_buffer buffer(kReadBufferLimit);
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    if (!tls) {
      if (co_await Session(stream, buffer, remote)) Close(stream);
      co_return;
    }
    stream.expires_after(std::chrono::seconds(options.idle_timeout_s));
    auto [dec, is_tls] = co_await beast::async_detect_ssl(stream, buffer, kNoThrow);
    stream.expires_never();
    if (dec) {
      Close(stream);
      co_return;
    }
    if (!is_tls) {
      if (co_await Session(stream, buffer, remote)) Close(stream);
      co_return;
    }
    TlsStream tls_stream(std::move(stream), *tls);
    Tcp(tls_stream).expires_after(std::chrono::seconds(options.idle_timeout_s));
    auto [hec, used] =
        co_await tls_stream.async_handshake(ssl::stream_base::server, buffer.data(), kNoThrow);
    Tcp(tls_stream).expires_never();
    if (hec) {  // garbage, an old protocol version, or a client that distrusts the certificate
      spdlog::info("TLS handshake from {} failed: {}", remote, hec.message());
      Close(tls_stream);
      co_return;
    }
    buffer.consume(used);
    if (!co_await Session(tls_stream, buffer, remote)) co_return;  // a WebSocket took it
    // close_notify, so the client can tell a complete last response from a
    // cut one; a peer that never answers it costs at most two seconds.
    Tcp(tls_stream).expires_after(std::chrono::seconds(2));
    co_await tls_stream.async_shutdown(kNoThrow);
    Close(tls_stream);
  }

  template <class Stream>
  static void Close(Stream& stream) {
    boost::system::error_code ec;
    Tcp(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp(stream).socket().close(ec);
  }

  // What the server answers before routing, or nothing when the request
  // goes to a route: access (origin, key, scope, rate), CORS preflight,
  // unknown paths and methods. Shared with ParseForFuzzing().
  static std::optional<HttpResponse> Gate(const Impl& self, const HttpRequest& req, bool websocket,
                                          AccessDecision* access) {
    if (self.options.access) {
      if (req.method == "OPTIONS" && !websocket) return self.options.access->Preflight(req);
      *access = self.options.access->Check(req, websocket);
      if (access->refusal) return std::move(access->refusal);
    } else if (req.method == "OPTIONS" && !websocket) {
      HttpResponse r;
      r.status = 204;
      r.content_type = "text/plain";
      return r;
    }
    if (websocket) return std::nullopt;
    bool path_known = false;
    if (self.Find(req, &path_known)) return std::nullopt;
    // The path is quoted made safe: never the client's raw bytes.
    return path_known ? ErrorFor(405, "method_not_allowed",
                                 QuotableText(req.method, 16) + " is not allowed on " +
                                     QuotableText(req.path))
                      : ErrorFor(404, "not_found", "no route for " + QuotableText(req.path));
  }

  // HTTP requests until the connection ends. False when a WebSocket took
  // the stream over (it is moved-from then); true when the caller closes it.
  template <class Stream>
  awaitable<bool> Session(Stream& stream, beast::flat_buffer& buffer, const std::string& remote) {
    for (;;) {
      http::request_parser<http::string_body> parser;
      ConfigureParser(parser, options.max_body_bytes);
      Tcp(stream).expires_after(std::chrono::seconds(options.idle_timeout_s));
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kNoThrow);
      Tcp(stream).expires_never();
      if (ec == http::error::end_of_stream || ec == asio::error::eof ||
          ec == ssl::error::stream_truncated)
        break;
      if (ec == http::error::body_limit) {
        co_await WriteFull(stream,
                           ErrorFor(413, "body_too_large",
                                    "request body is larger than server.max_body_bytes (" +
                                        std::to_string(options.max_body_bytes) + " bytes)"),
                           false, options.idle_timeout_s);
        break;
      }
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        // The head, a chunk header or the trailer is over its limit.
        co_await WriteFull(stream,
                           ErrorFor(431, "header_too_large",
                                    "request header fields or trailers are too large (limit " +
                                        std::to_string(kHeaderLimit) + " bytes)"),
                           false, options.idle_timeout_s);
        break;
      }
      if (ec) {
        if (ec != beast::error::timeout && ec != asio::error::connection_reset &&
            ec != http::error::partial_message && ec != asio::error::operation_aborted)
          co_await WriteFull(stream, ErrorFor(400, "bad_request", "malformed HTTP request"), false,
                             options.idle_timeout_s);
        break;
      }
      auto msg = parser.release();
      bool keep_alive = msg.keep_alive();
      std::string error;
      auto req = ToRequest(msg, remote, &error);
      if (!req) {
        co_await WriteFull(stream, ErrorFor(400, "bad_target", error), false,
                           options.idle_timeout_s);
        break;
      }
      const WebSocketHandler* ws = websockets.Find(req->path);
      const bool upgrade = ws && WebSocketRoutes::IsUpgrade(msg);
      AccessDecision access;
      if (auto answer = Gate(*this, *req, upgrade, &access)) {
        if (!co_await WriteFull(stream, *answer, keep_alive && !upgrade, options.idle_timeout_s,
                                access.headers))
          break;
        if (!keep_alive || upgrade) break;
        continue;
      }
      if (upgrade) {  // the connection is the WebSocket's now
        ++answering;  // a session counts until it has ended (its close frame written)
        Answered answered{answering};
        co_await websockets.Serve(std::move(stream), std::move(msg), std::move(req), *ws,
                                  options.max_body_bytes);
        co_return false;
      }
      bool path_known = false;
      const RouteEntry* route = Find(*req, &path_known);
      ++answering;  // until the answer is written or the client left (WaitAnswered)
      Answered answered{answering};
      auto queue = std::make_shared<ResponseQueue>(co_await asio::this_coro::executor);
      {
        auto responder = std::make_shared<QueueResponder>(queue, options.cancel_all);
        try {
          route->handler(req, responder);
        } catch (const Error& e) {
          if (IsServerSide(e)) spdlog::error("{} {}: {}", req->method, req->path, e.what());
          responder->Send(HttpResponse::Error(e.HttpStatus(), Error::KindName(e.kind()), e.code(),
                                              ClientMessage(e)));
        } catch (const std::exception& e) {
          spdlog::error("{} {}: {}", req->method, req->path, e.what());
          responder->Send(
              HttpResponse::Error(500, "internal_error", "exception", "internal error"));
        }
      }
      auto result = co_await (Respond(stream, queue, keep_alive, access.headers) ||
                              WatchDisconnect(stream, buffer, queue));
      bool ok = result.index() == 0 && std::get<0>(result);
      // Respond() wins unless the client left; then the result is moot.
      if (queue->handler_cancelled()) ok = false;
      // A failed or timed-out write (a client that stopped reading) ends the
      // connection: the handler must stop too, and not wait for a drain.
      if (!ok) queue->CancelHandler();
      if (!ok || !keep_alive) break;
    }
    co_return true;
  }
};

int HttpServer::ParseForFuzzing(std::string_view bytes, const HttpServerOptions& options) {
  Impl impl(options);
  for (std::string path : {"/healthz", "/api/chat", "/v1/audio/speech", "/api/voices/"})
    impl.routes.push_back({"POST", path, path.ends_with("/"), nullptr});
  http::request_parser<http::string_body> parser;
  ConfigureParser(parser, options.max_body_bytes);
  beast::flat_buffer buffer(kReadBufferLimit);
  boost::system::error_code ec;
  // Bytes arrive as the socket would deliver them: appended, then parsed.
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t room = buffer.max_size() - buffer.size();
    if (room == 0) return 431;
    const std::size_t n = std::min({bytes.size(), room, std::size_t{4096}});
    auto dst = buffer.prepare(n);
    std::memcpy(dst.data(), bytes.data(), n);
    buffer.commit(n);
    bytes.remove_prefix(n);
    for (;;) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) return ec == http::error::body_limit ? 413 : 400;
      if (parser.is_done() || used == 0) break;
    }
  }
  if (!parser.is_done()) return 400;
  auto msg = parser.release();
  std::string error;
  auto req = Impl::ToRequest(msg, "127.0.0.1:1", &error);
  if (!req) return 400;
  AccessDecision access;
  auto answer = Impl::Gate(impl, *req, WebSocketRoutes::IsUpgrade(msg), &access);
  if (!answer) return 0;
  // The answer must serialise: a throw here is what the fuzzer looks for.
  (void)answer->body.size();
  return answer->status;
}

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(const std::string& method, const std::string& path, HttpHandler handler) {
  RouteEntry e{method, path, false, std::move(handler)};
  if (path.ends_with("/*")) {
    e.prefix = true;
    e.path = path.substr(0, path.size() - 1);
  }
  impl_->routes.push_back(std::move(e));
}

void HttpServer::RouteWebSocket(const std::string& path, WebSocketHandler handler) {
  impl_->websockets.Add(path, std::move(handler));
}

void HttpServer::Start() {
  if (!impl_->options.tls_cert_pem.empty() || !impl_->options.tls_key_pem.empty())
    impl_->tls = MakeTlsContext(impl_->options);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec)
    throw Error(ErrorKind::kInvalidInput, "bad_host",
                "server.host: '" + impl_->options.host + "' is not an IP address");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw Error(ErrorKind::kUnavailable, "bind_failed",
                "cannot listen on " + impl_->options.host + ":" +
                    std::to_string(impl_->options.port) + ": " + ec.message());
  impl_->bound_port = acc.local_endpoint().port();
  asio::co_spawn(impl_->accept_strand, impl_->Accept(), asio::detached);
  int n = std::max(1, impl_->options.io_threads);
  for (int i = 0; i < n; ++i)
    impl_->threads.emplace_back([this] {
      // A handler that throws out of run() must not take the server down:
      // log it and keep serving the other connections.
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("I/O thread: unexpected exception: {}", e.what());
        } catch (...) {
          spdlog::error("I/O thread: unexpected exception");
        }
      }
    });
}

int HttpServer::port() const { return impl_->bound_port; }

bool HttpServer::tls() const { return impl_->tls != nullptr; }

void HttpServer::BeginStop() {
  asio::post(impl_->accept_strand, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);  // on the acceptor's strand: Accept() ends
  });
  impl_->websockets.CloseAll();
}

bool HttpServer::WaitAnswered(std::chrono::steady_clock::time_point deadline) {
  // Answers written, and every WebSocket through its closing handshake.
  while (impl_->answering.load() > 0 || impl_->websockets.LiveFrames() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void HttpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->websockets.CloseAll();  // wakes handler threads; nothing is posted after this
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  // No I/O thread runs now: safe to close here, and new connections are refused.
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  { std::lock_guard lock(impl_->stop_mutex); }
  impl_->stop_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->stop_mutex);
  impl_->stop_cv.wait(lock, [this] { return impl_->stopped.load(); });
}

}  // namespace mv
