#include "net/remote-pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <optional>

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
  // A call waiting for a slot. `wake` runs once, outside the lock, with
  // the endpoint granted or the error that ended the wait.
  struct Waiter {
    std::vector<bool> tried;
    std::function<void(int granted, std::optional<Error> error)> wake;
    CancelRegistration watch;  // the caller's cancel ends the wait
  };
  using Woken =
      std::vector<std::pair<std::shared_ptr<Waiter>, std::pair<int, std::optional<Error>>>>;

  Impl(RemotePoolConfig c, HttpClient* h) : config(std::move(c)), http(h) {
    for (const auto& e : config.endpoints) endpoints.push_back({e});
  }

  const RemotePoolConfig config;
  HttpClient* const http;  // the pool's, alive while !stopping; for health probes

  mutable std::mutex mutex;           // guards everything below
  std::condition_variable health_cv;  // a health round ended a step (the destructor waits)
  std::vector<Endpoint> endpoints;
  std::list<std::shared_ptr<Waiter>> waiters;  // first come, first served
  // A timer is set to look again when a cool-down ends (max(): none).
  Clock::time_point redispatch_at = Clock::time_point::max();
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
  // any free slot does not hold up the ones behind it. The woken run their
  // `wake` after the caller lets go of the lock (Wake()).
  void DispatchLocked(Clock::time_point now, Woken* woken) {
    for (auto it = waiters.begin(); it != waiters.end();) {
      const int best = BestLocked((*it)->tried, now);
      if (best < 0) {
        ++it;
        continue;
      }
      Endpoint& e = endpoints[best];
      ++e.busy;
      ++e.requests;
      e.last_dispatch = now;
      woken->push_back({*it, {best, std::nullopt}});
      it = waiters.erase(it);
    }
    if (!waiters.empty()) ScheduleRedispatchLocked(now);
  }

  // Ends `w`'s wait with `error` if it is still waiting.
  void EndWaitLocked(const std::shared_ptr<Waiter>& w, Error error, Woken* woken) {
    auto it = std::find(waiters.begin(), waiters.end(), w);
    if (it == waiters.end()) return;  // granted or ended already
    waiters.erase(it);
    woken->push_back({w, {-1, std::move(error)}});
  }

  static void Wake(Woken& woken) {
    for (auto& [w, result] : woken) {
      auto wake = std::move(w->wake);
      wake(result.first, std::move(result.second));
    }
  }

  // Cool-downs end by the clock, not by an event: a timer looks again then.
  void ScheduleRedispatchLocked(Clock::time_point now) {
    const Clock::time_point next = NextCooldownEndLocked(now);
    if (next == Clock::time_point::max() || next >= redispatch_at || stopping) return;
    redispatch_at = next;
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    http->RunAfter(static_cast<int>(delay) + 1, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self) return;
      Woken woken;
      {
        std::lock_guard lock(self->mutex);
        self->redispatch_at = Clock::time_point::max();
        self->DispatchLocked(Clock::now(), &woken);
      }
      Wake(woken);
    });
  }

  // When the next cool-down ends (waiters look again then), or max().
  Clock::time_point NextCooldownEndLocked(Clock::time_point now) const {
    Clock::time_point next = Clock::time_point::max();
    for (const Endpoint& e : endpoints)
      if (e.cooling_until > now) next = std::min(next, e.cooling_until);
    return next;
  }

  // Waits for a slot on an endpoint `tried` leaves; `wake` runs once with
  // it, or with kCancelled / kTimeout "queue_timeout". A wait ended by a
  // cancel or the queue timeout wakes on that thread or a timer's; a grant
  // wakes on the thread that released the slot.
  void Acquire(const CancelToken& cancel, std::vector<bool> tried,
               std::function<void(int, std::optional<Error>)> wake) {
    auto w = std::make_shared<Waiter>();
    w->tried = std::move(tried);
    w->wake = std::move(wake);
    Woken woken;
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        woken.push_back({w, {-1, Error(ErrorKind::kCancelled, "cancelled", Name() + " stopped")}});
      } else {
        waiters.push_back(w);
        DispatchLocked(Clock::now(), &woken);
      }
    }
    Wake(woken);
    if (!woken.empty()) return;
    std::weak_ptr<Waiter> weak_w = w;
    auto end = [weak_self = weak_from_this(), weak_w](Error error) {
      auto self = weak_self.lock();
      auto waiter = weak_w.lock();
      if (!self || !waiter) return;
      Woken ended;
      {
        std::lock_guard lock(self->mutex);
        self->EndWaitLocked(waiter, std::move(error), &ended);
      }
      Wake(ended);
    };
    http->RunAfter(config.queue_timeout_ms,
                   [end, name = Name(), ms = config.queue_timeout_ms, n = size()] {
                     end(Error(ErrorKind::kTimeout, "queue_timeout",
                               name + ": no endpoint slot came free in " + std::to_string(ms) +
                                   " ms (" + std::to_string(n) + " endpoint(s), all busy)"));
                   });
    // Outside the lock: OnCancel runs the callback at once on a cancelled token.
    CancelRegistration watch = cancel.OnCancel([end] {
      end(Error(ErrorKind::kCancelled, "cancelled", "cancelled while waiting for an endpoint"));
    });
    std::lock_guard lock(mutex);
    // Still waiting: the registration lives with the waiter (ended waiters
    // are freed by whoever ended them, which unhooks it).
    if (std::find(waiters.begin(), waiters.end(), w) != waiters.end()) w->watch = std::move(watch);
  }

  std::vector<bool> FirstTry() const {
    if (endpoints.empty())
      throw Error(ErrorKind::kUnavailable, "no_endpoint", Name() + ": no endpoint is configured");
    return std::vector<bool>(endpoints.size(), false);
  }

  // After an attempt on `e` (`failure`: what it threw, or null): frees its
  // slot and says whether to try the next endpoint (true) or that the call
  // succeeded (false); rethrows what ends the call.
  bool AfterAttempt(int e, std::exception_ptr failure, const CancelToken& cancel,
                    std::vector<bool>& tried) {
    if (!failure) {
      Release(e, Outcome::kOk, nullptr);
      return false;
    }
    try {
      std::rethrow_exception(failure);
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kCancelled || cancel.IsCancelled()) {
        Release(e, Outcome::kNeutral, nullptr);
        if (error.kind() == ErrorKind::kCancelled) throw;
        throw Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
      }
      if (!ShouldFailOver(error)) {
        Release(e, EndpointAnswered(error) ? Outcome::kOk : Outcome::kNeutral, &error);
        throw;
      }
      Release(e, Outcome::kFailed, &error);
      tried[e] = true;
      if (std::find(tried.begin(), tried.end(), false) == tried.end()) throw;
      {
        std::lock_guard lock(mutex);
        ++failovers;
      }
      if (!config.name.empty())
        Metrics::Global().Increment("mirrorvox_remote_failovers_total", {{"pool", config.name}});
      spdlog::warn("{}: {} failed ({}); trying the next endpoint", Name(),
                   MaskUrlCredentials(endpoints[e].config.url), error.what());
      return true;
    } catch (...) {
      Release(e, Outcome::kNeutral, nullptr);
      throw;
    }
  }

  void Release(int index, Outcome outcome, const Error* error) {
    std::unique_lock lock(mutex);
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
    Woken woken;
    DispatchLocked(now, &woken);
    lock.unlock();
    Wake(woken);
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
    Woken woken;
    std::unique_lock lock(mutex);
    if (index >= 0 && healthy && !stopping && CoolingLocked(index, Clock::now())) {
      Endpoint& e = endpoints[index];
      e.cooling_until = {};
      e.consecutive_failures = 0;
      spdlog::info("{}: endpoint {} answers its health check again; back in rotation", Name(),
                   MaskUrlCredentials(e.config.url));
      DispatchLocked(Clock::now(), &woken);
      lock.unlock();
      Wake(woken);
      lock.lock();
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
  Impl::Woken woken;
  {
    std::lock_guard lock(impl_->mutex);
    while (!impl_->waiters.empty())
      impl_->EndWaitLocked(impl_->waiters.front(),
                           Error(ErrorKind::kCancelled, "cancelled", impl_->Name() + " stopped"),
                           &woken);
  }
  Impl::Wake(woken);
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
  Impl& s = *impl_;
  std::vector<bool> tried = s.FirstTry();
  for (;;) {
    if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
    std::promise<int> granted;
    s.Acquire(cancel, tried, [&granted](int e, std::optional<Error> error) {
      if (error)
        granted.set_exception(std::make_exception_ptr(*error));
      else
        granted.set_value(e);
    });
    const int e = granted.get_future().get();
    std::exception_ptr failure;
    try {
      attempt(e, s.endpoints[e].config.url);
    } catch (...) {
      failure = std::current_exception();
    }
    if (!s.AfterAttempt(e, failure, cancel, tried)) return;
  }
}

Task<void> RemotePool::RunAsync(CancelToken cancel, AsyncAttempt attempt) {
  Impl& s = *impl_;
  std::vector<bool> tried = s.FirstTry();
  for (;;) {
    if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
    auto granted = co_await Callback<std::pair<int, std::optional<Error>>>([&](auto resume) {
      s.Acquire(cancel, tried, [resume](int e, std::optional<Error> error) {
        resume({e, std::move(error)});
      });
    });
    if (granted.second) throw *granted.second;
    const int e = granted.first;
    std::exception_ptr failure;
    try {
      co_await attempt(e, s.endpoints[e].config.url);
    } catch (...) {
      failure = std::current_exception();
    }
    if (!s.AfterAttempt(e, failure, cancel, tried)) co_return;
  }
}

}  // namespace mv
