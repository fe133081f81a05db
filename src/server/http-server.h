// The HTTP/1.1 server (Boost.Beast behind this interface; C++20 coroutines
// on I/O threads). Handlers run on an I/O thread and must return quickly:
// anything slow (models, upstream calls) goes to a compute pool and completes
// the Responder from there.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http-types.h"
#include "server/websocket-session.h"

namespace mv {

class AccessControl;

using HttpHandler = std::function<void(std::shared_ptr<HttpRequest>, std::shared_ptr<Responder>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = pick a free port
  int io_threads = 1;
  std::size_t max_body_bytes = 40u << 20;
  int idle_timeout_s = 60;
  // PEM text (see tls-credentials.h). When set, each connection is detected
  // by its first bytes: a TLS ClientHello gets HTTPS/WSS, anything else
  // plain HTTP/WS, on the same port.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // Decides, before any route runs, who may call what (keys, origins,
  // CORS). Null: everyone, everything (unit tests of the server itself).
  std::shared_ptr<AccessControl> access;
  // Parent of every request's cancel token: firing it cancels all requests
  // in flight (the runtime's orderly stop); their answers still go out.
  CancelToken cancel_all;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Exact path match; register before Start(). A path ending in "/*"
  // matches that prefix.
  void Route(const std::string& method, const std::string& path, HttpHandler handler);
  // A WebSocket endpoint at an exact path; register before Start(). Upgrade
  // requests there go to `handler`; other requests take the HTTP routes.
  void RouteWebSocket(const std::string& path, WebSocketHandler handler);
  // Binds and starts the I/O threads; throws mv::Error if the port is taken
  // (or the TLS pair is unusable).
  void Start();
  int port() const;
  bool tls() const;
  // First half of an orderly stop: refuses new connections and ends the
  // WebSocket sessions (close 1001, going away, sent while I/O still runs);
  // HTTP requests in flight keep being served until Stop().
  void BeginStop();
  // Blocks until every request handed to a route has its answer written (or
  // its client left) and every WebSocket session has ended, or `deadline`;
  // true when none is left.
  bool WaitAnswered(std::chrono::steady_clock::time_point deadline);
  // Stops accepting, closes connections, joins threads. Idempotent.
  void Stop();
  // Blocks until Stop() is called (from a signal handler thread, say).
  void Wait();

  // Parses `bytes` as one request exactly as a connection would (same
  // parser limits, same request conversion, same access decision), without
  // a socket: the HTTP fuzz target's entry. Returns the status the server
  // would answer before routing (0 when it would route the request).
  static int ParseForFuzzing(std::string_view bytes, const HttpServerOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv
