// The real MCP reference server (@modelcontextprotocol/server-everything,
// installed by `npm ci --prefix tests/js`) for the tools tests: its stdio
// config, and its Streamable HTTP mode as a child process on a free port.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "tools/tools-config.h"

namespace mvtest {

inline std::string EverythingScript() {
  return std::string(MV_SOURCE_DIR) +
         "/tests/js/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
}

inline bool HaveEverything() {
  struct stat st;
  return ::stat(EverythingScript().c_str(), &st) == 0;
}

#define MV_REQUIRE_EVERYTHING()                                                      \
  ASSERT_TRUE(mvtest::HaveEverything())                                              \
      << "the MCP reference server is missing: run npm ci --prefix tests/js (needs " \
      << mvtest::EverythingScript() << ")"

// stdio: `node dist/index.js stdio`, with exactly `env` as its environment.
inline mv::McpServerConfig EverythingStdio(std::string name = "everything",
                                           std::map<std::string, std::string> env = {}) {
  mv::McpServerConfig s;
  s.name = std::move(name);
  s.command = "node";
  s.args = {EverythingScript(), "stdio"};
  s.env = std::move(env);
  return s;
}

inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// `node dist/index.js streamableHttp` on PORT=port, started when Start() is
// called and waited for until it says it listens (its stderr line).
class EverythingHttp {
 public:
  explicit EverythingHttp(int port = FreePort()) : port_(port) {}
  ~EverythingHttp() { Stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
  int port() const { return port_; }

  void Start() {
    int err[2];
    if (::pipe(err) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    std::string script = EverythingScript(), mode = "streamableHttp";
    std::string node = "node";
    char* argv[] = {node.data(), script.data(), mode.data(), nullptr};
    std::string port_env = "PORT=" + std::to_string(port_);
    char* envp[] = {port_env.data(), nullptr};
    int rc = ::posix_spawnp(&pid_, "node", &fa, nullptr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    ::close(err[1]);
    if (rc != 0) throw std::runtime_error("cannot start node");
    std::string log;
    char buf[512];
    while (log.find("listening on port") == std::string::npos) {
      ssize_t n = ::read(err[0], buf, sizeof buf);  // ends when the server exits
      if (n <= 0) throw std::runtime_error("MCP HTTP server did not start: " + log);
      log.append(buf, static_cast<std::size_t>(n));
    }
    err_fd_ = err[0];  // kept open: the server must not get SIGPIPE on stderr
  }

  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (err_fd_ >= 0) ::close(err_fd_);
    err_fd_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
  int err_fd_ = -1;
};

}  // namespace mvtest
