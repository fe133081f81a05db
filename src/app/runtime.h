// Everything `mirrorvox serve` runs, owned in one place: the config, the
// engines, the thread pools, the HTTP server and its I/O threads. Routes and
// sessions get context(), which lives exactly as long as the runtime.
//
// Stop() is the one orderly stop: refuse new connections, cancel everything
// in flight through context().root, let it answer its clients (an error)
// within server.shutdown_grace_ms, close the server, drain the pools while
// the engines still exist, and only then unload the engines.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "config/config.h"
#include "server/routes/server-context.h"

namespace mv {

class AccessControl;
class HttpServer;

class Runtime {
 public:
  // Loads the engines and creates the pools for `config`; throws mv::Error.
  explicit Runtime(Config config);
  ~Runtime();  // Stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Registers the routes, binds and starts serving; throws mv::Error.
  void Start();
  int port() const;
  bool tls() const;

  // Idempotent. Call from a thread of neither the server nor the pools.
  void Stop();

  ServerContext& context() { return ctx_; }

 private:
  void WaitQuiet(std::chrono::steady_clock::time_point deadline);

  ServerContext ctx_;
  std::shared_ptr<AccessControl> access_;  // keys, origins; the server holds it too
  std::unique_ptr<HttpServer> server_;  // after ctx_: goes first (routes refer to ctx_)
  std::mutex stop_mutex_;               // serialises Stop(); guards stopped_
  bool stopped_ = false;
};

}  // namespace mv
