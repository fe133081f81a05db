// MCP over Streamable HTTP (spec 2025-03-26): every message is a POST of
// JSON to the endpoint with "Accept: application/json, text/event-stream";
// the answer is 202 (a notification), one JSON body, or an SSE stream that
// carries the answer and any messages before it. The session id the server
// gives at initialize (Mcp-Session-Id) goes on every later request; a GET
// SSE stream carries what the server sends on its own (list_changed). A
// request the server refuses is answered locally with a JSON-RPC error for
// its id, so the client sees one shape of failure.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/cancel-token.h"
#include "tools/mcp-transport.h"

namespace mv {

class HttpClient;

class McpHttpTransport final : public McpTransport {
 public:
  McpHttpTransport(std::string name, std::string url, std::map<std::string, std::string> headers,
                   HttpClient& http, int connect_timeout_ms, std::size_t max_message_bytes);
  ~McpHttpTransport() override;

  void Start(Handlers handlers) override;
  void Send(const nlohmann::json& message) override;
  void Listen(const std::string& protocol_version) override;
  void Close() override;

  struct Shared;  // what requests in flight share with the transport (the .cc's)

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace mv
