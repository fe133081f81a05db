// A pool of remote endpoints (GPU boxes running GPT-SoVITS, XTTS, FunASR...)
// for one engine: a per-endpoint concurrency limit (GPT-SoVITS serves one
// request at a time), least-busy dispatch, health checks, and failover to the
// next endpoint on connect error, timeout, 5xx, or a stream that breaks
// mid-way. An endpoint that keeps failing sits out a cool-down and comes back
// when its health check passes. This is how "several TTS workers on several
// ports" is configured.
//
// Run() blocks the calling (compute) thread; RunAsync() is its coroutine,
// whose waits cost no thread. Both are thread-safe and one pool serves
// every request of its engine; waiting for a slot is one mechanism for both
// (timers on the pool's HttpClient end the queue timeout and look again
// when a cool-down ends).
//
// Dispatch: waiting calls get slots first come, first served; among free
// endpoints the least loaded (busy / max_concurrency) wins, ties going to
// the one idle longest. Cooling endpoints are used only when no other is
// left to try. Health checks (when health_path is set) are timers and
// asynchronous requests on the pool's HttpClient, no thread of their own:
// every health_interval_ms while anything cools down, a GET of health_path
// on each cooling endpoint; any HTTP answer below 500 ends that cool-down.
// A successful request on an endpoint also ends its cool-down.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"
#include "common/task.h"

namespace mv {

struct RemoteEndpointConfig {
  std::string url;          // base URL, e.g. http://gpu1:9880
  int max_concurrency = 1;  // requests at once on this endpoint
};

struct RemotePoolConfig {
  std::vector<RemoteEndpointConfig> endpoints;
  int connect_timeout_ms = 3000;
  int first_byte_timeout_ms = 15000;  // request sent -> first byte of the answer
  int idle_timeout_ms = 15000;        // silence mid-stream
  int cooldown_ms = 10000;            // sit-out after failures
  int failures_before_cooldown = 1;
  // GET this path on a cooling endpoint (relative to url) to bring it back
  // early; "" = it comes back when the cool-down ends.
  std::string health_path;
  int health_interval_ms = 2000;
  int queue_timeout_ms = 30000;  // longest wait for a free slot
  // Names the pool in logs and metrics ("tts", "asr"); "" = no metrics.
  std::string name;

  void Validate(const std::string& key_prefix) const;  // names e.g. "tts.endpoints[1].url"
};

struct RemoteEndpointStats {
  std::string url;
  int max_concurrency = 1;
  int busy = 0;
  bool cooling_down = false;
  long long requests = 0;  // attempts dispatched to it
  long long failures = 0;  // attempts that failed in a way that fails over
};

// What an attempt learns about how it failed; decides failover.
bool ShouldFailOver(const Error& error);

class HttpClient;

class RemotePool {
 public:
  // `http` (the runtime's, on the network I/O context) runs the health
  // checks; null: a private client.
  explicit RemotePool(RemotePoolConfig config, std::shared_ptr<HttpClient> http = nullptr);
  ~RemotePool();

  // Calls `attempt(endpoint_index, url)` on the least-busy available
  // endpoint; if it throws an Error that ShouldFailOver() accepts, marks that
  // endpoint failed and tries the next (each endpoint at most once). Waits
  // for a free slot when all are busy. Rethrows the last error, or
  // kCancelled when `cancel` fires.
  void Run(const CancelToken& cancel,
           const std::function<void(int endpoint, const std::string& url)>& attempt);

  // Run() for asynchronous engines: a wait for a slot or on an attempt
  // holds no thread. `attempt` returns the try's coroutine (a member
  // coroutine, not a coroutine lambda: see common/task.h).
  using AsyncAttempt = std::function<Task<void>(int endpoint, std::string url)>;
  Task<void> RunAsync(CancelToken cancel, AsyncAttempt attempt);

  int size() const;
  int busy(int endpoint) const;
  bool cooling_down(int endpoint) const;
  int failovers() const;  // total, for metrics

  int waiting() const;   // Run() calls waiting for a free slot
  int capacity() const;  // sum of max_concurrency
  std::vector<RemoteEndpointStats> stats() const;
  const RemotePoolConfig& config() const;

 private:
  struct Impl;
  std::shared_ptr<HttpClient> http_;  // outlives impl_'s use of it (see the destructor)
  std::shared_ptr<Impl> impl_;        // shared: cancel callbacks may outlive the pool
};

}  // namespace mv
