#include "support/server-process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/test-http.h"

namespace mvtest {
namespace {

// MIRRORVOX_TEST_SERVER_WRAPPER (e.g. "valgrind --error-exitcode=99"):
// the server runs under it and its waits stretch by MIRRORVOX_TEST_SLOWDOWN
// (default 20 with a wrapper). With a wrapper or MIRRORVOX_TEST_CHECK_EXIT
// (sanitizer builds: a report makes the exit code non-zero), a server that
// does not exit 0 fails the test.
std::vector<std::string> Wrapper() {
  std::vector<std::string> out;
  const char* w = std::getenv("MIRRORVOX_TEST_SERVER_WRAPPER");
  std::istringstream words(w ? w : "");
  for (std::string word; words >> word;) out.push_back(word);
  return out;
}

// MIRRORVOX_TEST_SERVER_BINARY: the server ServerProcess starts, instead of
// the one built beside the tests (valgrind runs a plain build's server from
// the sanitizer build's test binary, so that pass compiles no test code).
const char* ServerBinary() {
  const char* b = std::getenv("MIRRORVOX_TEST_SERVER_BINARY");
  return b && *b ? b : MV_BINARY;
}

int Slowdown() {
  if (const char* s = std::getenv("MIRRORVOX_TEST_SLOWDOWN")) return std::max(1, std::atoi(s));
  return Wrapper().empty() ? 1 : 20;
}

int Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  int in = open("/dev/null", O_RDONLY);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  // The test's own sockets (a double's listening port) must not live on in
  // the child: a double that stops listening would still accept there.
  close_range(3, ~0U, 0);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

int WaitExit(int pid, int timeout_s, bool* exited) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == -1) {  // already reaped by Alive()
      *exited = true;
      return -1;
    }
    if (r == pid) {
      *exited = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *exited = false;
  return -1;
}

}  // namespace

std::string TempDir() {
  char tmpl[] = "/tmp/mvtest-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  return dir ? dir : "/tmp";
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, int timeout_s) {
  std::string dir = TempDir();
  CommandResult r;
  int pid = Spawn(argv, env, dir + "/out", dir + "/err");
  bool exited = false;
  r.exit_code = WaitExit(pid, timeout_s, &exited);
  if (!exited) {
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    r.exit_code = -999;
  }
  r.out = ReadFile(dir + "/out");
  r.err = ReadFile(dir + "/err");
  return r;
}

ServerProcess::ServerProcess(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, int startup_timeout_s) {
  std::string dir = TempDir();
  log_path_ = dir + "/server.log";
  std::vector<std::string> argv = Wrapper();
  check_exit_ = !argv.empty() || std::getenv("MIRRORVOX_TEST_CHECK_EXIT") != nullptr;
  for (const char* a : {ServerBinary(), "serve", "--host", "127.0.0.1", "--port", "0"})
    argv.push_back(a);
  argv.insert(argv.end(), args.begin(), args.end());
  // Tests name their LLM and their keys: whatever listens on this machine's
  // usual LLM ports must not answer for them (discovery tests turn it back
  // on), and the machine user's own API keys never reach a test's server.
  std::map<std::string, std::string> child_env = env;
  child_env.try_emplace("MIRRORVOX_LLM__DISCOVER", "false");
  child_env.try_emplace("MIRRORVOX_SERVER__AUTH__KEYS_FILE", dir + "/keys.json");
  pid_ = Spawn(argv, child_env, dir + "/server.out", log_path_);
  static const std::regex kListening(R"(listening on https?://[^:]+:(\d+))");
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(startup_timeout_s * Slowdown());
  while (std::chrono::steady_clock::now() < deadline && Alive()) {
    std::smatch m;
    std::string log = Log();
    if (std::regex_search(log, m, kListening)) {
      int port = std::stoi(m[1]);
      if (HttpGet(port, "/healthz").status == 200) {
        port_ = port;
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  const int code = Stop(10);
  // Under valgrind or a sanitizer the exit code carries its verdict.
  if (check_exit_ && code != 0) ADD_FAILURE() << "server exited " << code << ":\n" << Log();
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

std::string ServerProcess::Log() const {
  return ReadFile(log_path_) + ReadFile(log_path_.substr(0, log_path_.size() - 3) + "out");
}

int ServerProcess::Stop(int timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  bool exited = false;
  int code = WaitExit(pid_, timeout_s * Slowdown(), &exited);
  if (!exited) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    code = -SIGKILL;
  }
  pid_ = -1;
  return code;
}

}  // namespace mvtest
