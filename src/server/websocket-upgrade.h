// HttpServer's WebSocket side: the route table and the coroutine that runs
// an upgraded connection. Included only by Beast translation units in
// src/server (http-server.cc hands upgrades over to websocket-session.cc).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/http-types.h"
#include "server/websocket-session.h"

namespace mv {

class WebSocketSessionImpl;

class WebSocketRoutes {
 public:
  // Before the server starts.
  void Add(const std::string& path, WebSocketHandler handler);
  // The handler for an exact path, or null.
  const WebSocketHandler* Find(const std::string& path) const;
  static bool IsUpgrade(
      const boost::beast::http::request<boost::beast::http::string_body>& request);

  // Runs an upgraded connection until it ends. `request` is the upgrade
  // request (headers intact), `info` its plain form for the handler.
  boost::asio::awaitable<void> Serve(
      boost::beast::tcp_stream stream,
      boost::beast::http::request<boost::beast::http::string_body> request,
      std::shared_ptr<HttpRequest> info, const WebSocketHandler& handler,
      std::size_t max_message_bytes);
  // The same over TLS (wss://), after the handshake.
  boost::asio::awaitable<void> Serve(
      boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
      boost::beast::http::request<boost::beast::http::string_body> request,
      std::shared_ptr<HttpRequest> info, const WebSocketHandler& handler,
      std::size_t max_message_bytes);

  // Server stop, before the I/O threads stop: ends every live session for its
  // handler (so none waits on it) and sends what is queued, then close 1001.
  void CloseAll();
  // Connections whose coroutine still runs (a closing handshake included).
  int LiveFrames() const;

 private:
  void Track(const std::shared_ptr<WebSocketSessionImpl>& session);
  template <class Stream>
  boost::asio::awaitable<void> ServeOn(
      Stream stream, boost::beast::http::request<boost::beast::http::string_body> request,
      std::shared_ptr<HttpRequest> info, const WebSocketHandler& handler,
      std::size_t max_message_bytes);

  std::vector<std::pair<std::string, WebSocketHandler>> routes_;  // fixed after Start()
  std::mutex mutex_;                                              // guards live_ and closed_
  std::vector<std::weak_ptr<WebSocketSessionImpl>> live_;
  bool closed_ = false;  // CloseAll() ran: sessions accepted after it end at once
  std::atomic<int> frames_{0};
};

}  // namespace mv
