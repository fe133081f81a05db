// One WebSocket message, as the client (net/websocket-client.h) and the
// server (server/websocket-session.h) hand them over: whole, never a frame.
#pragma once

#include <string>

namespace mv {

struct WebSocketMessage {
  bool binary = false;  // false: UTF-8 text
  std::string data;
};

}  // namespace mv
