// A client of one MCP server (spec 2025-03-26): initialize ->
// notifications/initialized -> tools/list (all pages, again on
// notifications/tools/list_changed) -> tools/call. Answers the server's own
// requests (ping; anything else "method not found": this client declares no
// capabilities). A call that times out or is cancelled is abandoned with
// notifications/cancelled, so the server can stop it.
//
// Threading: everything is asynchronous; callbacks run on the transport's
// or the timer queue's thread, never under the client's lock. Ownership:
// the client is shared (Create); destroying the last reference closes the
// transport, after which no callback runs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"
#include "net/timer-queue.h"
#include "tools/mcp-transport.h"
#include "tools/tools-config.h"

namespace mv {

class HttpClient;

struct McpTool {
  std::string name;
  std::string description;
  std::string input_schema_json;  // the tool's inputSchema, as JSON text
};

// The outcome of tools/call as the model will read it.
struct McpCallResult {
  std::string outcome = "ok";  // "ok", "error" (isError or a JSON-RPC error), "timeout",
                               // "cancelled", "unavailable"
  std::string text;            // text content joined; the error message otherwise
};

class McpClient : public std::enable_shared_from_this<McpClient> {
 public:
  static std::shared_ptr<McpClient> Create(McpServerConfig config, TimerQueue& timers,
                                           HttpClient& http, std::size_t max_message_bytes);
  ~McpClient();

  // Starts the transport and the handshake; `done` gets nullopt once the
  // tool list is in, else why not. A new Connect replaces the old session.
  void Connect(int timeout_ms, std::function<void(std::optional<Error>)> done);
  // Ends the session; pending calls fail "unavailable".
  void Disconnect();

  bool connected() const;
  std::vector<McpTool> tools() const;
  int list_refreshes() const;  // tools/list answers received (tests)
  const std::string& name() const { return config_.name; }
  // Runs after each tool list update (and when the server goes away).
  void SetOnChange(std::function<void()> fn);
  // Runs when the transport closes by itself (the process died, session ended).
  void SetOnLost(std::function<void(const std::string& why)> fn);

  void CallTool(const std::string& name, const std::string& arguments_json, CancelToken cancel,
                int timeout_ms, std::function<void(McpCallResult)> done);

 private:
  McpClient(McpServerConfig config, TimerQueue& timers, HttpClient& http, std::size_t max);
  using Reply = std::function<void(std::optional<nlohmann::json> result, std::optional<Error>)>;
  // Sends a request; `reply` runs exactly once (answer, error, timeout, cancel).
  void Request(const std::string& method, nlohmann::json params, int timeout_ms, CancelToken cancel,
               Reply reply);
  void Notify(const std::string& method, nlohmann::json params);
  void Abandon(long long id, Error why, const char* reason);
  void OnMessage(uint64_t generation, nlohmann::json message);
  void OnClosed(uint64_t generation, const std::string& why);
  void RefreshTools(std::function<void(std::optional<Error>)> done);
  void ListPage(std::string cursor, std::shared_ptr<std::vector<McpTool>> acc,
                std::function<void(std::optional<Error>)> done);
  void FailAll(const std::string& why);
  std::shared_ptr<McpTransport> MakeTransport() const;

  const McpServerConfig config_;
  TimerQueue& timers_;
  HttpClient& http_;
  const std::size_t max_message_bytes_;

  mutable std::mutex mutex_;  // guards everything below
  std::shared_ptr<McpTransport> transport_;
  uint64_t generation_ = 0;  // bumped per Connect: stale transports' messages are dropped
  bool connected_ = false;
  std::string protocol_version_;
  long long next_id_ = 1;
  std::map<long long, Reply> pending_;
  std::vector<McpTool> tools_;
  int list_refreshes_ = 0;
  std::function<void()> on_change_;
  std::function<void(const std::string&)> on_lost_;
};

}  // namespace mv
