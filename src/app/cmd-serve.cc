#include <signal.h>
#include <spdlog/spdlog.h>

#include "app/commands.h"
#include "app/runtime.h"
#include "common/error.h"
#include "config/config-loader.h"

namespace mv {

int RunServe(const ServeOptions& options) {
  // Signals are taken synchronously by one thread, so every other thread
  // (I/O, compute) never sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    Config config = LoadConfig(options.config_path);
    if (!options.host.empty()) config.server.host = options.host;
    if (options.port >= 0) config.server.port = options.port;
    Runtime runtime(std::move(config));
    runtime.Start();
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: shutting down", sig);
    runtime.Stop();
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace mv
