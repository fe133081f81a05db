// tools.* (docs/tools.md): the MCP servers whose tools the model may call,
// and the bounds of the tool loop. No mcp_servers: no server-side tools.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace mv {

struct McpServerConfig {
  std::string name;  // prefixes its tools' names: <name>_<tool>
  // Streamable HTTP: the MCP endpoint URL (e.g. http://host:3001/mcp) ...
  std::string url;
  std::map<std::string, std::string> headers;  // sent with every request (secrets masked in prints)
  // ... or stdio: the command (looked up in mirrorvox's PATH) and its args.
  std::string command;
  std::vector<std::string> args;
  // stdio: the server's whole environment (nothing of mirrorvox's own).
  std::map<std::string, std::string> env;
};

struct ToolsConfig {
  std::vector<McpServerConfig> mcp_servers;
  int max_rounds = 4;           // LLM requests that may call tools, per reply
  int call_timeout_ms = 15000;  // one tool call
  int connect_timeout_ms = 10000;
  int retry_ms = 10000;  // a server that is down is tried again this often
  // While a tool runs longer than this, `filler` is spoken (once per reply).
  int filler_after_ms = 1500;
  std::string filler = "One moment.";
  std::size_t max_argument_bytes = 16 * 1024;  // a call's arguments, or it is refused
  std::size_t max_result_bytes = 16 * 1024;    // a result is cut to this for the model

  bool enabled() const { return !mcp_servers.empty(); }
  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
