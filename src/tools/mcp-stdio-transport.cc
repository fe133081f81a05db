#include "tools/mcp-stdio-transport.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/error.h"

namespace mv {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

McpStdioTransport::McpStdioTransport(std::string name, std::string command,
                                     std::vector<std::string> args,
                                     std::map<std::string, std::string> env,
                                     std::size_t max_line_bytes)
    : name_(std::move(name)),
      command_(std::move(command)),
      args_(std::move(args)),
      env_(std::move(env)),
      max_line_bytes_(max_line_bytes) {}

McpStdioTransport::~McpStdioTransport() { Close(); }

void McpStdioTransport::Start(Handlers handlers) {
  {
    std::lock_guard lock(handler_mutex_);
    handlers_ = std::move(handlers);
  }
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw Error(ErrorKind::kInternal, "pipe", "pipe failed");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    throw Error(ErrorKind::kInternal, "pipe", "pipe failed");
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    throw Error(ErrorKind::kInternal, "pipe", "pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child must not inherit mirrorvox's blocked SIGINT/SIGTERM.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_s{command_};
  argv_s.insert(argv_s.end(), args_.begin(), args_.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (const auto& [k, v] : env_) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  // posix_spawnp looks the command up in our PATH, not the child's.
  const int rc = ::posix_spawnp(&pid_, command_.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(out[0]), ::close(err[0]);
    pid_ = -1;
    throw Error(
        ErrorKind::kUnavailable, "mcp_spawn_failed",
        "MCP server '" + name_ + "': cannot start '" + command_ + "': " + std::strerror(rc));
  }
  in_fd_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  out_reader_ = std::thread([this] { ReadStdout(); });
  err_reader_ = std::thread([this] { ReadStderr(); });
}

void McpStdioTransport::Send(const nlohmann::json& message) {
  std::string line = message.dump() + "\n";  // dump() escapes newlines inside strings
  std::lock_guard lock(write_mutex_);
  if (in_fd_ < 0) return;
  for (std::size_t off = 0; off < line.size();) {
    ssize_t n = ::write(in_fd_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::warn("MCP server '{}': write to stdin failed: {}", name_, std::strerror(errno));
      return;  // the reader sees the exit and reports it
    }
    off += static_cast<std::size_t>(n);
  }
}

void McpStdioTransport::Closed(std::string why) {
  std::lock_guard lock(handler_mutex_);
  if (closed_) return;
  closed_ = true;
  if (handlers_.on_closed) handlers_.on_closed(std::move(why));
}

void McpStdioTransport::ReadStdout() {
  std::string line;
  char buf[16384];
  bool overflow = false;
  while (true) {
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        if (!overflow) line.push_back(buf[i]);
        if (line.size() > max_line_bytes_) overflow = true;
        continue;
      }
      if (overflow) {
        Closed("a message over " + std::to_string(max_line_bytes_) + " bytes");
        return;
      }
      auto j = nlohmann::json::parse(line, nullptr, false);
      line.clear();
      if (j.is_discarded()) continue;  // not JSON-RPC (a stray log line): ignored
      std::lock_guard lock(handler_mutex_);
      if (closed_) return;
      if (j.is_array()) {
        for (auto& m : j)
          if (handlers_.on_message) handlers_.on_message(std::move(m));
      } else if (handlers_.on_message) {
        handlers_.on_message(std::move(j));
      }
    }
  }
  Closed("the server process exited");
}

void McpStdioTransport::ReadStderr() {
  std::string line;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(err_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        spdlog::debug("MCP server '{}' stderr: {}", name_, line);
        line.clear();
      } else if (line.size() < 2000) {
        line.push_back(buf[i]);
      }
    }
  }
}

void McpStdioTransport::Close() {
  {
    std::lock_guard lock(handler_mutex_);
    closed_ = true;
    handlers_ = {};
  }
  {
    std::lock_guard lock(write_mutex_);
    CloseFd(in_fd_);  // the polite way to ask a stdio server to exit
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // shutdown only
    }
    pid_ = -1;
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
  CloseFd(out_fd_);
  CloseFd(err_fd_);
}

}  // namespace mv
