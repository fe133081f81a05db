// A WebSocket connection accepted by HttpServer::RouteWebSocket(), as
// handlers see it: no Beast here.
//
// Threading: every method is thread-safe. Callbacks run on an I/O thread, one
// at a time per session, in message order: keep them short, and hand slow
// work (models, upstream calls) to other threads, which may call Send*() and
// Receive() freely.
// Ownership: the server keeps the connection alive until the peer closes,
// Close()/Abort() end it, or the server stops; a handler keeps the
// shared_ptr only as long as it wants to talk. Sends after the end are
// dropped (they return false).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/websocket-message.h"
#include "server/http-types.h"

namespace mv {

class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;

  // The upgrade request: path, query, headers (lower-case names), remote.
  virtual const HttpRequest& request() const = 0;

  // Queue a message; messages go out in call order. False once the session
  // has ended (or a close was asked for).
  virtual bool SendText(std::string text) = 0;
  virtual bool SendBinary(std::string data) = 0;
  // Bytes queued and not yet written (for back-pressure).
  virtual std::size_t pending_bytes() const = 0;
  // Back-pressure (see OutputGate): true when more than `limit` bytes are
  // queued; `resume` then runs once (on an I/O thread) when at most `limit`
  // are, or when the session has ended. False, dropping `resume`, otherwise.
  virtual bool WaitForDrain(std::size_t limit, std::function<void()> resume) = 0;

  // A close frame after the queued messages; the session ends when the peer
  // answers it (or after a few seconds).
  virtual void Close(int code = 1000, std::string reason = {}) = 0;
  // Drops the TCP connection without a closing handshake, as a crashing
  // peer would (after the messages already queued).
  virtual void Abort() = 0;

  // From now on messages go to `fn` (those already queued first) instead of
  // Receive().
  virtual void OnMessage(std::function<void(WebSocketMessage message)> fn) = 0;
  // Once when the session ends, however it ends; at once if it already has.
  virtual void OnClose(std::function<void()> fn) = 0;
  // The next message, waiting up to timeout_ms (< 0: no limit); nullopt when
  // the session has ended or the time is up (is_open() tells which).
  virtual std::optional<WebSocketMessage> Receive(int timeout_ms) = 0;

  virtual bool is_open() const = 0;
  // The peer's close code once it sent one (1000 normal, 1001 going away), else 0.
  virtual int close_code() const = 0;
};

// Called on an I/O thread once the upgrade has completed.
using WebSocketHandler = std::function<void(std::shared_ptr<WebSocketSession> session)>;

}  // namespace mv
