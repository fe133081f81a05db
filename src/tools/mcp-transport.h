// How an McpClient reaches one MCP server: JSON-RPC messages out and in.
// Two transports (MCP spec 2025-03-26 "Transports"): stdio (a child process,
// newline-delimited JSON) and Streamable HTTP (POST per message, JSON or SSE
// answers, Mcp-Session-Id, a GET stream for server-initiated messages).
//
// Threading: handlers run on the transport's own threads, one at a time.
// Close() returns once no handler runs or will run; never call it from a
// handler.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace mv {

class McpTransport {
 public:
  struct Handlers {
    std::function<void(nlohmann::json message)> on_message;
    std::function<void(std::string why)> on_closed;  // at most once; not after Close()
  };
  virtual ~McpTransport() = default;

  // Throws mv::Error when the server cannot be started or reached at all.
  virtual void Start(Handlers handlers) = 0;
  // Returns at once; a failure arrives as on_closed (stdio) or, for a
  // request, as a JSON-RPC error answer to its id (HTTP).
  virtual void Send(const nlohmann::json& message) = 0;
  // Once initialize has answered: HTTP opens its GET stream for server
  // notifications (tools/list_changed); stdio already hears them.
  virtual void Listen(const std::string& protocol_version) {}
  virtual void Close() = 0;
};

}  // namespace mv
