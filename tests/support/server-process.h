// Runs the real mirrorvox binary (or any command) as a child process, the way
// a user would, and stops it at the end of the test.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mvtest {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs to completion with optional extra environment variables.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {}, int timeout_s = 120);

class ServerProcess {
 public:
  // Starts `mirrorvox serve --host 127.0.0.1 --port 0 <args>` and waits until
  // it logs the port it listens on and /healthz answers. LLM discovery is off
  // unless `env` sets MIRRORVOX_LLM__DISCOVER.
  explicit ServerProcess(const std::vector<std::string>& args = {},
                         const std::map<std::string, std::string>& env = {},
                         int startup_timeout_s = 60);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  bool ok() const { return port_ > 0; }
  bool Alive();
  std::string Log() const;  // what it wrote to stderr and stdout so far
  // Sends SIGTERM and waits; returns the exit code (or -signal).
  int Stop(int timeout_s = 20);

 private:
  int pid_ = -1;
  int port_ = 0;
  bool check_exit_ = false;  // a checker's verdict is in the exit code (see the .cc)
  std::string log_path_;
};

std::string TempDir();  // a fresh directory under /tmp for this test
void WriteFile(const std::string& path, const std::string& data);
std::string ReadFile(const std::string& path);

}  // namespace mvtest
