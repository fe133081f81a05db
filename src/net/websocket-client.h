// WebSocket client (RFC 6455) for engines that stream over WebSocket
// (FunASR, WeNet): ws:// and wss://, the system CA store plus an optional CA
// file, or no verification for self-signed servers (FunASR's default
// certificate). Boost.Beast stays inside websocket-client.cc.
//
// Threading: every connection runs on a strand of the NetIo it is given
// (the runtime's network I/O context). The blocking calls (Connect,
// Send*, Receive, Close) are for compute threads and are thread-safe; never
// call them from a callback. Callbacks run on an I/O thread, one at a time
// per connection: keep them short.
// Ownership: the destructor drops the connection at once (no closing
// handshake: call Close() first for a clean end) and returns only when no
// callback of this connection can run any more.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"
#include "common/websocket-message.h"

namespace mv {

class NetIo;

struct WebSocketOptions {
  // Added to the upgrade request (Authorization, Sec-WebSocket-Protocol...).
  std::vector<std::pair<std::string, std::string>> headers;
  int connect_timeout_ms = 10000;             // DNS + TCP + TLS + upgrade; 0 = none
  int send_timeout_ms = 30000;                // one message written to the socket; 0 = none
  std::size_t max_message_bytes = 16u << 20;  // a larger incoming message fails kTooLarge
  // wss only: false accepts any certificate (self-signed local servers).
  bool verify_tls = true;
  // wss only: PEM file of extra trusted CAs, on top of the system store.
  std::string ca_file;
};

struct WebSocketCallbacks {
  // When set, every message goes here (in order) and Receive() only reports
  // the end of the connection.
  std::function<void(WebSocketMessage message)> on_message;
  // Once, when the connection ends: nullopt after the peer's close frame,
  // else why it broke (kinds as Receive() throws).
  std::function<void(std::optional<Error> error)> on_close;
};

class WebSocketClient {
 public:
  // Connects on `io` (which must outlive the connection) and completes the
  // upgrade. Throws mv::Error: kInvalidInput (bad URL or CA file),
  // kUnavailable (DNS, refused, TLS, upgrade declined), kTimeout
  // (connect_timeout_ms), kCancelled.
  static std::unique_ptr<WebSocketClient> Connect(NetIo& io, const std::string& url,
                                                  const WebSocketOptions& options = {},
                                                  const CancelToken& cancel = CancelToken(),
                                                  WebSocketCallbacks callbacks = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Block until the message is written. Throw kUpstream when the connection
  // is closed or broke, kTimeout (send_timeout_ms; the connection is then
  // dropped), kCancelled.
  void SendText(std::string_view text);
  void SendBinary(std::string_view data);

  // The next message, waiting up to timeout_ms (< 0: no limit). Messages
  // that arrived before the connection ended are still returned; after
  // them, nullopt means the peer closed cleanly (see close_code()). Throws
  // kTimeout when nothing came in time (the connection stays usable),
  // kUpstream when it broke, kTooLarge, kCancelled.
  std::optional<WebSocketMessage> Receive(int timeout_ms);

  // Closing handshake: a close frame after any message being sent, then up
  // to timeout_ms for the peer's; after that the connection is dropped.
  // Never throws; a no-op once the connection has ended.
  void Close(int code = 1000, std::string_view reason = {}, int timeout_ms = 2000);

  bool is_open() const;
  int close_code() const;  // the peer's close code, 0 when none came
  std::string close_reason() const;
  // Headers of the 101 answer, lower-case names.
  const std::map<std::string, std::string>& response_headers() const;

 private:
  struct Impl;
  explicit WebSocketClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace mv
