// The server-side tools: every configured MCP server's tools, offered to the
// model as "<server>_<tool>" (only [A-Za-z0-9_-], at most 64 characters, as
// OpenAI-style function names must be; clashes get a numeric suffix).
// A server that is down at start-up is reported and tried again every
// tools.retry_ms, and so is one that goes away later; the others keep
// working. Calls are bounded: arguments by max_argument_bytes (refused
// before the call), results by max_result_bytes (cut before the model sees
// them), time by call_timeout_ms. Metrics: mirrorvox_tool_calls_total{tool,
// outcome} and mirrorvox_tool_seconds{tool}.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/cancel-token.h"
#include "llm/llm.h"
#include "net/timer-queue.h"
#include "tools/mcp-client.h"
#include "tools/tools-config.h"

namespace mv {

class HttpClient;

struct ToolOutcome {
  std::string outcome;  // ToolRun::outcome
  std::string content;  // what goes back to the model as the tool message
  double ms = 0;
};

class ToolRegistry {
 public:
  // `http`: the runtime's client (network I/O context), for MCP over HTTP
  // and the timers; null: a private one.
  explicit ToolRegistry(ToolsConfig config, std::shared_ptr<HttpClient> http = nullptr);
  // Closes every server (stdio processes exit). Never from a tool callback.
  ~ToolRegistry();

  // Connects every server at once and waits up to connect_timeout_ms for
  // them; those that failed are logged and retried in the background.
  void Start();

  std::vector<ToolSpec> Specs() const;
  bool Has(const std::string& name) const;
  // Runs one call; `done` runs exactly once, on a transport or timer thread.
  void Call(const ToolCall& call, CancelToken cancel, std::function<void(ToolOutcome)> done);

  struct ServerStatus {
    std::string name;
    bool connected = false;
    int tools = 0;
  };
  std::vector<ServerStatus> Status() const;
  const ToolsConfig& config() const { return config_; }
  TimerQueue& timers() { return *timers_; }
  // Tests: the client of a server by name (null when there is none).
  std::shared_ptr<McpClient> client(const std::string& server) const;

  // "<server>_<tool>" reduced to [A-Za-z0-9_-] and 64 characters.
  static std::string ExposedName(const std::string& server, const std::string& tool);

 private:
  struct Entry {
    std::shared_ptr<McpClient> client;
    std::string tool;  // the server's name for it
    ToolSpec spec;
  };
  void Rebuild();
  void ScheduleRetry(std::size_t index);
  void ConnectOne(std::size_t index, std::function<void(std::optional<Error>)> done);

  const ToolsConfig config_;
  std::shared_ptr<HttpClient> http_;  // before timers_, which run on its I/O context
  std::unique_ptr<TimerQueue> timers_;
  std::vector<std::shared_ptr<McpClient>> clients_;  // one per config.mcp_servers, same order
  std::shared_ptr<std::atomic<bool>> alive_;         // retries check it (the registry is gone)

  mutable std::mutex mutex_;              // guards entries_ and retrying_
  std::map<std::string, Entry> entries_;  // exposed name -> tool
  std::vector<bool> retrying_;
};

}  // namespace mv
