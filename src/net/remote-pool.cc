#include "net/remote-pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>

#include "common/config-check.h"
#include "common/metrics.h"
#include "common/secret-mask.h"
#include "net/http-client.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;

// The request was at fault, so the endpoint answered: it is alive.
bool EndpointAnswered(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kTooLarge:
    case ErrorKind::kUnsupported:
    case ErrorKind::kForbidden:
    case ErrorKind::kNotFound:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool ShouldFailOver(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::kUnavailable:  // DNS, connect, TLS: nobody is there
    case ErrorKind::kTimeout:      // connect, first byte, idle mid-stream
    case ErrorKind::kUpstream:     // 5xx, a broken or malformed stream
      return true;
    default:  // the request's own fault, a cancel, or our bug: another endpoint would not help
      return false;
  }
}

void RemotePoolConfig::Validate(const std::string& key_prefix) const {
  const std::string& p = key_prefix;
  if (endpoints.empty())
    ConfigInvalid(p + ".endpoints: at least one endpoint is needed (a list of URLs or of " +
                  "{url, max_concurrency})");
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::string key = p + ".endpoints[" + std::to_string(i) + "]";
    // ws:// too: remote ASR engines speak WebSocket; HTTP-only engines check again.
    CheckConfigUrl(key + ".url", endpoints[i].url, /*websocket=*/true);
    CheckConfigRange(key + ".max_concurrency", endpoints[i].max_concurrency, 1, 1024);
  }
  CheckConfigRange(p + ".connect_timeout_ms", connect_timeout_ms, 1, 600000);
  CheckConfigRange(p + ".first_byte_timeout_ms", first_byte_timeout_ms, 0, 3600000);
  CheckConfigRange(p + ".idle_timeout_ms", idle_timeout_ms, 0, 3600000);
  CheckConfigRange(p + ".cooldown_ms", cooldown_ms, 0, 3600000);
  CheckConfigRange(p + ".failures_before_cooldown", failures_before_cooldown, 1, 1000);
  if (!health_path.empty() && health_path.front() != '/')
    ConfigInvalid(p + ".health_path: must start with '/' (or be empty to turn health checks " +
                  "off), got '" + health_path + "'");
  CheckConfigRange(p + ".health_interval_ms", health_interval_ms, 100, 3600000);
  CheckConfigRange(p + ".queue_timeout_ms", queue_timeout_ms, 1, 3600000);
}

// Everything the waiting threads, the health thread and cancel callbacks
// share; cancel callbacks hold it weakly, so they may outlive the pool.
struct RemotePool::Impl : std::enable_shared_from_this<Impl> {
  enum class Outcome { kOk, kFailed, kNeutral };
  struct Endpoint {
    RemoteEndpointConfig config;
    int busy = 0;
    int consecutive_failures = 0;
    Clock::time_point cooling_until{};  // cooling while now < this
    Clock::time_point last_dispatch{};  // least recently used wins ties
    long long requests = 0, failures = 0;
  };
  // A Run() waiting for a slot; lives on that thread's stack.
  struct Waiter {
    const std::vector<bool>* tried = nullptr;
    int granted = -1;
  };

  Impl(RemotePoolConfig c, HttpClient* h) : config(std::move(c)), http(h) {
    for (const auto& e : config.endpoints) endpoints.push_back({e});
  }

  const RemotePoolConfig config;
  HttpClient* const http;  // the pool's, alive while !stopping; for health probes

  mutable std::mutex mutex;            // guards everything below
  std::condition_variable granted_cv;  // a waiter got a slot, was cancelled, or time moved on
  std::condition_variable health_cv;   // a health round ended a step (the destructor waits)
  std::vector<Endpoint> endpoints;
  std::list<Waiter*> waiters;  // first come, first served
  int failovers = 0;
  bool stopping = false;
  bool health_pending = false;  // a round is scheduled or its probes are in flight
  int health_busy = 0;          // probes in flight + rounds starting them
  CancelToken probe_cancel;     // fired by the destructor: every probe in flight

  std::string Name() const { return config.name.empty() ? "remote pool" : config.name; }
  int size() const { return static_cast<int>(endpoints.size()); }
  bool CoolingLocked(int i, Clock::time_point now) const {
    return now < endpoints[i].cooling_until;
  }

  // The free endpoint `tried` leaves for a waiter: the least busy of those
  // not cooling down; cooling ones only when no other is left to try (a
  // last resort beats failing at once). -1: wait.
  int BestLocked(const std::vector<bool>& tried, Clock::time_point now) const {
    bool any_healthy = false;
    for (int i = 0; i < size(); ++i) any_healthy |= !tried[i] && !CoolingLocked(i, now);
    int best = -1;
    for (int i = 0; i < size(); ++i) {
      const Endpoint& e = endpoints[i];
      if (tried[i] || e.busy >= e.config.max_concurrency) continue;
      if (any_healthy && CoolingLocked(i, now)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const Endpoint& b = endpoints[best];
      // Load as a fraction of each endpoint's capacity, compared exactly.
      const long long lhs = static_cast<long long>(e.busy) * b.config.max_concurrency;
      const long long rhs = static_cast<long long>(b.busy) * e.config.max_concurrency;
      if (lhs < rhs || (lhs == rhs && e.last_dispatch < b.last_dispatch)) best = i;
    }
    return best;
  }

  // Hands free slots to waiters in arrival order; a waiter that cannot use
  // any free slot does not hold up the ones behind it.
  void DispatchLocked(Clock::time_point now) {
    bool any = false;
    for (auto it = waiters.begin(); it != waiters.end();) {
      const int best = BestLocked(*(*it)->tried, now);
      if (best < 0) {
        ++it;
        continue;
      }
      Endpoint& e = endpoints[best];
      ++e.busy;
      ++e.requests;
      e.last_dispatch = now;
      (*it)->granted = best;
      it = waiters.erase(it);
      any = true;
    }
    if (any) granted_cv.notify_all();
  }

  // When the next cool-down ends (waiters look again then), or max().
  Clock::time_point NextCooldownEndLocked(Clock::time_point now) const {
    Clock::time_point next = Clock::time_point::max();
    for (const Endpoint& e : endpoints)
      if (e.cooling_until > now) next = std::min(next, e.cooling_until);
    return next;
  }

  int Acquire(const std::shared_ptr<Impl>& self, const CancelToken& cancel,
              const std::vector<bool>& tried) {
    Waiter me;
    me.tried = &tried;
    const auto deadline = Clock::now() + std::chrono::milliseconds(config.queue_timeout_ms);
    bool watching_cancel = false;
    CancelRegistration watch;  // before `lock`: unhooked after the mutex is released
    std::unique_lock lock(mutex);
    waiters.push_back(&me);
    DispatchLocked(Clock::now());
    while (me.granted < 0) {
      if (cancel.IsCancelled() || stopping) {
        waiters.remove(&me);
        throw Error(ErrorKind::kCancelled, "cancelled", "cancelled while waiting for an endpoint");
      }
      if (Clock::now() >= deadline) {
        waiters.remove(&me);
        throw Error(ErrorKind::kTimeout, "queue_timeout",
                    Name() + ": no endpoint slot came free in " +
                        std::to_string(config.queue_timeout_ms) + " ms (" + std::to_string(size()) +
                        " endpoint(s), all busy)");
      }
      if (!watching_cancel) {
        // Outside the lock: OnCancel runs the callback at once on a cancelled token.
        watching_cancel = true;
        lock.unlock();
        watch = cancel.OnCancel([weak = std::weak_ptr<Impl>(self)] {
          if (auto s = weak.lock()) {
            std::lock_guard l(s->mutex);  // no lost wake-up between check and wait
            s->granted_cv.notify_all();
          }
        });
        lock.lock();
        continue;
      }
      // Cool-downs end by the clock, not by an event: look again then.
      granted_cv.wait_until(lock, std::min(deadline, NextCooldownEndLocked(Clock::now())));
      if (me.granted < 0) DispatchLocked(Clock::now());
    }
    return me.granted;
  }

  void Release(int index, Outcome outcome, const Error* error) {
    std::lock_guard lock(mutex);
    Endpoint& e = endpoints[index];
    --e.busy;
    const auto now = Clock::now();
    if (outcome == Outcome::kOk) {
      // An answer ends a cool-down early: the endpoint is evidently back.
      e.consecutive_failures = 0;
      e.cooling_until = {};
    } else if (outcome == Outcome::kFailed) {
      ++e.failures;
      if (++e.consecutive_failures >= config.failures_before_cooldown && config.cooldown_ms > 0 &&
          !CoolingLocked(index, now)) {
        e.cooling_until = now + std::chrono::milliseconds(config.cooldown_ms);
        spdlog::warn("{}: endpoint {} cools down for {} ms after {} failure(s): {}", Name(),
                     MaskUrlCredentials(e.config.url), config.cooldown_ms, e.consecutive_failures,
                     error ? error->what() : "");
        if (!config.name.empty())
          Metrics::Global().Increment(
              "mirrorvox_remote_cooldowns_total",
              {{"pool", config.name}, {"endpoint", MaskUrlCredentials(e.config.url)}});
        ScheduleHealthLocked();
      }
    }
    DispatchLocked(now);
  }

  // Health checks cost no thread: a round is a timer on the network I/O
  // context, one interval after a cool-down starts and one interval after
  // the previous round's last probe answered, while anything cools down. Any
  // HTTP answer below 500 brings an endpoint back before its cool-down ends.
  void ScheduleHealthLocked() {
    if (stopping || health_pending || config.health_path.empty() || !http) return;
    health_pending = true;
    http->RunAfter(config.health_interval_ms, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->HealthRound();
    });
  }

  void HealthRound() {
    std::vector<std::pair<int, std::string>> cooling;
    {
      std::lock_guard lock(mutex);
      health_pending = false;
      if (stopping) return;
      for (int i = 0; i < size(); ++i) {
        if (!CoolingLocked(i, Clock::now())) continue;
        std::string url = endpoints[i].config.url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        cooling.emplace_back(i, url + config.health_path);
      }
      if (cooling.empty()) return;
      health_pending = true;
      // +1 for this round itself, so the last probe answering while
      // others are still being started does not end it early.
      health_busy += static_cast<int>(cooling.size()) + 1;
    }
    for (auto& [index, url] : cooling) {
      ClientRequest req;
      req.url = std::move(url);
      req.connect_timeout_ms = std::min(config.connect_timeout_ms, 2000);
      req.first_byte_timeout_ms = 2000;
      req.idle_timeout_ms = 2000;
      req.max_body_bytes = 64 * 1024;
      auto status = std::make_shared<int>(0);
      ClientCallbacks cb;
      cb.on_head = [status](int code, const auto&) { *status = code; };
      cb.on_complete = [self = shared_from_this(), index, status](std::optional<Error> error) {
        self->ProbeAnswered(index, !error && *status > 0 && *status < 500);
      };
      http->Stream(std::move(req), probe_cancel, std::move(cb));
    }
    ProbeAnswered(-1, false);  // the round's own share
  }

  void ProbeAnswered(int index, bool healthy) {
    std::lock_guard lock(mutex);
    if (index >= 0 && healthy && !stopping && CoolingLocked(index, Clock::now())) {
      Endpoint& e = endpoints[index];
      e.cooling_until = {};
      e.consecutive_failures = 0;
      spdlog::info("{}: endpoint {} answers its health check again; back in rotation", Name(),
                   MaskUrlCredentials(e.config.url));
      DispatchLocked(Clock::now());
    }
    if (--health_busy > 0) return;
    health_pending = false;
    health_cv.notify_all();
    for (int i = 0; i < size(); ++i)
      if (CoolingLocked(i, Clock::now())) {
        ScheduleHealthLocked();
        break;
      }
  }
};

RemotePool::RemotePool(RemotePoolConfig config, std::shared_ptr<HttpClient> http)
    : http_(http ? std::move(http) : std::make_shared<HttpClient>(1)),
      impl_(std::make_shared<Impl>(std::move(config), http_.get())) {
  if (!impl_->config.name.empty()) {
    auto& m = Metrics::Global();
    m.Describe("mirrorvox_remote_failovers_total", "counter",
               "Times a remote engine request moved on to the next endpoint, by pool");
    m.Describe("mirrorvox_remote_cooldowns_total", "counter",
               "Times a remote endpoint was taken out of rotation, by pool and endpoint");
  }
}

RemotePool::~RemotePool() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->granted_cv.notify_all();
  impl_->probe_cancel.Cancel();
  // No probe may still use the client after this; a scheduled round finds
  // `stopping` (or the state gone) and does nothing.
  std::unique_lock lock(impl_->mutex);
  impl_->health_cv.wait(lock, [&] { return impl_->health_busy == 0; });
}

int RemotePool::size() const { return impl_->size(); }

int RemotePool::busy(int endpoint) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->endpoints.at(endpoint).busy;
}

bool RemotePool::cooling_down(int endpoint) const {
  std::lock_guard lock(impl_->mutex);
  impl_->endpoints.at(endpoint);  // range check
  return impl_->CoolingLocked(endpoint, Clock::now());
}

int RemotePool::failovers() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->failovers;
}

int RemotePool::waiting() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->waiters.size());
}

int RemotePool::capacity() const {
  int total = 0;
  for (const auto& e : impl_->config.endpoints) total += e.max_concurrency;
  return total;
}

std::vector<RemoteEndpointStats> RemotePool::stats() const {
  std::lock_guard lock(impl_->mutex);
  const auto now = Clock::now();
  std::vector<RemoteEndpointStats> out;
  for (int i = 0; i < impl_->size(); ++i) {
    const Impl::Endpoint& e = impl_->endpoints[i];
    out.push_back({e.config.url, e.config.max_concurrency, e.busy, impl_->CoolingLocked(i, now),
                   e.requests, e.failures});
  }
  return out;
}

const RemotePoolConfig& RemotePool::config() const { return impl_->config; }

void RemotePool::Run(const CancelToken& cancel,
                     const std::function<void(int endpoint, const std::string& url)>& attempt) {
  using Outcome = Impl::Outcome;
  Impl& s = *impl_;
  if (s.endpoints.empty())
    throw Error(ErrorKind::kUnavailable, "no_endpoint", s.Name() + ": no endpoint is configured");
  std::vector<bool> tried(s.endpoints.size(), false);
  for (;;) {
    if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
    const int e = s.Acquire(impl_, cancel, tried);
    try {
      attempt(e, s.endpoints[e].config.url);
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kCancelled || cancel.IsCancelled()) {
        s.Release(e, Outcome::kNeutral, nullptr);
        if (error.kind() == ErrorKind::kCancelled) throw;
        throw Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
      }
      if (!ShouldFailOver(error)) {
        s.Release(e, EndpointAnswered(error) ? Outcome::kOk : Outcome::kNeutral, &error);
        throw;
      }
      s.Release(e, Outcome::kFailed, &error);
      tried[e] = true;
      if (std::find(tried.begin(), tried.end(), false) == tried.end()) throw;
      {
        std::lock_guard lock(s.mutex);
        ++s.failovers;
      }
      if (!s.config.name.empty())
        Metrics::Global().Increment("mirrorvox_remote_failovers_total", {{"pool", s.config.name}});
      spdlog::warn("{}: {} failed ({}); trying the next endpoint", s.Name(),
                   MaskUrlCredentials(s.endpoints[e].config.url), error.what());
      continue;
    } catch (...) {
      s.Release(e, Outcome::kNeutral, nullptr);
      throw;
    }
    s.Release(e, Outcome::kOk, nullptr);
    return;
  }
}

}  // namespace mv
