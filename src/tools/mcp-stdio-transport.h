// MCP over stdio: the server is a child process that reads JSON-RPC
// messages, one per line, on stdin and writes its own on stdout; its stderr
// is logged at debug level. It runs with exactly the configured environment
// (nothing of mirrorvox's); the command itself is found on mirrorvox's PATH.
// Close: stdin is closed, then SIGTERM, then SIGKILL after a grace period.
#pragma once

#include <sys/types.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/mcp-transport.h"

namespace mv {

class McpStdioTransport final : public McpTransport {
 public:
  // `max_line_bytes` bounds one message from the server; a longer line closes it.
  McpStdioTransport(std::string name, std::string command, std::vector<std::string> args,
                    std::map<std::string, std::string> env, std::size_t max_line_bytes);
  ~McpStdioTransport() override;

  void Start(Handlers handlers) override;
  void Send(const nlohmann::json& message) override;
  void Close() override;
  pid_t pid() const { return pid_; }

 private:
  void ReadStdout();
  void ReadStderr();
  void Closed(std::string why);

  const std::string name_, command_;
  const std::vector<std::string> args_;
  const std::map<std::string, std::string> env_;
  const std::size_t max_line_bytes_;
  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;

  std::mutex write_mutex_;    // guards in_fd_ writes: one message at a time
  std::mutex handler_mutex_;  // guards handlers_ and closed_; held while a handler runs
  Handlers handlers_;
  bool closed_ = false;
  std::thread out_reader_, err_reader_;
};

}  // namespace mv
