// The upstream HTTP client against a local mv::HttpServer: bodies, streaming,
// every timeout, cancellation the server can see, limits, shutdown.
#include "net/http-client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "server/http-server.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A port nobody listens on: bound, then released.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Collects one streamed request's callbacks.
struct Recorder {
  std::promise<std::optional<Error>> done;
  std::mutex mutex;  // guards status, pieces, arrivals
  int status = 0;
  std::vector<std::string> pieces;
  std::vector<Clock::time_point> arrivals;

  ClientCallbacks Callbacks() {
    ClientCallbacks cb;
    cb.on_head = [this](int s, const auto&) {
      std::lock_guard lock(mutex);
      status = s;
    };
    cb.on_data = [this](std::string_view d) {
      std::lock_guard lock(mutex);
      pieces.emplace_back(d);
      arrivals.push_back(Clock::now());
    };
    cb.on_complete = [this](std::optional<Error> e) { done.set_value(std::move(e)); };
    return cb;
  }
  std::string Body() {
    std::lock_guard lock(mutex);
    std::string all;
    for (const auto& p : pieces) all += p;
    return all;
  }
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(HttpServerOptions{});
    server_->Route("GET", "/hello", [](auto, auto res) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.headers = {{"X-Reply", "yes"}};
      r.body = "hi";
      res->Send(r);
    });
    server_->Route("POST", "/echo", [](auto req, auto res) {
      std::string out = req->body + "|" + req->Header("authorization") + "|" +
                        req->Header("x-test") + "|" + req->Header("host") + "|" +
                        req->Header("user-agent");
      res->Send(HttpResponse::Json(201, out));
    });
    server_->Route("GET", "/big", [](auto, auto res) {
      res->Send(HttpResponse::Json(200, std::string(100000, 'x')));
    });
    // Four pieces 40 ms apart, or endless until the client leaves (?endless).
    server_->Route("GET", "/stream", [this](auto req, std::shared_ptr<Responder> res) {
      bool endless = req->Query("endless").has_value();
      auto hook = res->cancel().OnCancel([this] {
        server_cancelled_at_ = Clock::now();
        server_cancelled_ = true;
      });
      {
        std::lock_guard lock(mutex_);
        hooks_.push_back(std::move(hook));
      }
      Spawn([res, endless] {
        res->StartStream(200, "text/plain");
        for (int i = 0; endless || i < 4; ++i) {
          if (!res->Write("piece" + std::to_string(i) + ";")) return;
          std::this_thread::sleep_for(40ms);
        }
        res->End();
      });
    });
    server_->Route("GET", "/silent", [this](auto, auto res) { Hold(res); });
    server_->Route("GET", "/head-then-silent", [this](auto, std::shared_ptr<Responder> res) {
      res->StartStream(200, "text/plain");
      res->Write("first;");
      Hold(res);
    });
    server_->Route("GET", "/cut", [](auto, std::shared_ptr<Responder> res) {
      res->StartStream(200, "text/plain");
      res->Write("partial;");
      res->Send(HttpResponse{});  // after the head this cuts the connection
    });
    server_->Start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    std::vector<std::thread> threads;
    std::vector<std::shared_ptr<Responder>> held;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
      held.swap(held_);
    }
    for (auto& t : threads) t.join();
    held.clear();  // before the server they post to
    server_.reset();
  }

  void Spawn(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back(std::move(fn));
  }
  void Hold(std::shared_ptr<Responder> res) {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(res));
  }

  ClientRequest Get(const std::string& path) {
    ClientRequest r;
    r.url = base_ + path;
    return r;
  }

  std::unique_ptr<HttpServer> server_;
  std::string base_;
  std::mutex mutex_;  // guards threads_, held_ and hooks_
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<Responder>> held_;
  std::atomic<bool> server_cancelled_{false};
  std::atomic<Clock::time_point> server_cancelled_at_{};
  std::vector<CancelRegistration> hooks_;  // after what they touch: unhooked first
  HttpClient client_{2};
};

Error FetchError(HttpClient& client, const ClientRequest& r, const CancelToken& c = {}) {
  try {
    client.Fetch(r, c);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << r.url;
  return Error(ErrorKind::kInternal, "none", "none");
}

TEST_F(HttpClientTest, FetchesStatusHeadersAndBody) {
  ClientResponse r = client_.Fetch(Get("/hello"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hi");
  EXPECT_EQ(r.Header("x-reply"), "yes");
  EXPECT_EQ(r.Header("content-type"), "text/plain");

  EXPECT_EQ(client_.Fetch(Get("/nope")).status, 404);
}

TEST_F(HttpClientTest, SendsBodyHeadersAndDefaults) {
  ClientRequest r = Get("/echo");
  r.method = "POST";
  r.body = "{\"a\":1}";
  r.headers = {{"Authorization", "Bearer k"}, {"X-Test", "t"}};
  ClientResponse res = client_.Fetch(r);
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body,
            "{\"a\":1}|Bearer k|t|127.0.0.1:" + std::to_string(server_->port()) + "|mirrorvox/0.1");

  r.url = "http://user:p%40ss@127.0.0.1:" + std::to_string(server_->port()) + "/echo";
  r.headers.clear();
  EXPECT_NE(client_.Fetch(r).body.find("|Basic dXNlcjpwQHNz|"), std::string::npos);
}

TEST_F(HttpClientTest, StreamsPiecesAsTheyArrive) {
  Recorder rec;
  client_.Stream(Get("/stream"), {}, rec.Callbacks());
  auto error = rec.done.get_future().get();
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(rec.status, 200);
  EXPECT_EQ(rec.Body(), "piece0;piece1;piece2;piece3;");
  // Delivered while the server was still writing, not all at the end.
  ASSERT_GE(rec.arrivals.size(), 3u);
  EXPECT_GE(rec.arrivals.back() - rec.arrivals.front(), 80ms);
}

TEST_F(HttpClientTest, RefusedConnectionIsUnavailable) {
  ClientRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/x";
  Error e = FetchError(client_, r);
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "connect_failed");
  EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
}

TEST_F(HttpClientTest, UnknownHostIsUnavailable) {
  ClientRequest r;
  r.url = "http://no-such-host.invalid/x";
  Error e = FetchError(client_, r);
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "dns_failed") << e.what();
}

TEST_F(HttpClientTest, BadUrlIsInvalidInput) {
  ClientRequest r;
  r.url = "ftp://127.0.0.1/";
  EXPECT_EQ(FetchError(client_, r).kind(), ErrorKind::kInvalidInput);
}

TEST_F(HttpClientTest, NoResponseHeadTimesOut) {
  ClientRequest r = Get("/silent");
  r.first_byte_timeout_ms = 150;
  auto start = Clock::now();
  Error e = FetchError(client_, r);
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
  EXPECT_EQ(e.code(), "first_byte_timeout");
  EXPECT_GE(Clock::now() - start, 140ms);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(HttpClientTest, SilenceMidBodyTimesOut) {
  ClientRequest r = Get("/head-then-silent");
  r.idle_timeout_ms = 150;
  Recorder rec;
  client_.Stream(r, {}, rec.Callbacks());
  auto error = rec.done.get_future().get();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kTimeout);
  EXPECT_EQ(error->code(), "idle_timeout");
  EXPECT_EQ(rec.Body(), "first;");
}

TEST_F(HttpClientTest, CutConnectionIsUpstreamError) {
  Recorder rec;
  client_.Stream(Get("/cut"), {}, rec.Callbacks());
  auto error = rec.done.get_future().get();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kUpstream);
  EXPECT_EQ(error->code(), "connection_lost");
  EXPECT_EQ(rec.Body(), "partial;");
}

TEST_F(HttpClientTest, BodyOverTheLimitIsTooLarge) {
  ClientRequest r = Get("/big");
  r.max_body_bytes = 1000;
  EXPECT_EQ(FetchError(client_, r).kind(), ErrorKind::kTooLarge);
  r.max_body_bytes = 0;
  EXPECT_EQ(client_.Fetch(r).body.size(), 100000u);
}

TEST_F(HttpClientTest, CancelClosesTheConnectionAtOnce) {
  Recorder rec;
  CancelToken cancel;
  std::atomic<bool> cancelled{false};
  Clock::time_point cancelled_at;
  ClientCallbacks cb = rec.Callbacks();
  auto on_data = cb.on_data;
  cb.on_data = [&, on_data](std::string_view d) {
    on_data(d);
    if (rec.Body().size() >= 14 && !cancelled.exchange(true)) {
      cancelled_at = Clock::now();
      cancel.Cancel();
    }
  };
  client_.Stream(Get("/stream?endless"), cancel, std::move(cb));
  auto error = rec.done.get_future().get();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kCancelled);
  // Event-driven: the server sees the hang-up (no bound in ms: see bench/).
  for (int i = 0; i < 10000 && !server_cancelled_; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(server_cancelled_);
  EXPECT_GE(server_cancelled_at_.load(), cancelled_at);
  // The request leaves the books just after its on_complete returned.
  for (int i = 0; i < 10000 && client_.active() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(client_.active(), 0);
}

TEST_F(HttpClientTest, CancelledBeforeStartNeverConnects) {
  CancelToken cancel;
  cancel.Cancel();
  EXPECT_EQ(FetchError(client_, Get("/hello"), cancel).kind(), ErrorKind::kCancelled);
}

TEST_F(HttpClientTest, ManyConcurrentRequests) {
  constexpr int kRequests = 40;
  std::vector<std::future<ClientResponse>> results;
  for (int i = 0; i < kRequests; ++i)
    results.push_back(
        std::async(std::launch::async, [&] { return client_.Fetch(Get("/stream")); }));
  for (auto& f : results) EXPECT_EQ(f.get().body, "piece0;piece1;piece2;piece3;");
}

TEST_F(HttpClientTest, DestroyingTheClientCompletesRequestsInFlight) {
  auto client = std::make_unique<HttpClient>(1);
  Recorder rec;
  client->Stream(Get("/silent"), {}, rec.Callbacks());
  auto future = rec.done.get_future();
  std::this_thread::sleep_for(50ms);
  client.reset();
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  auto error = future.get();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kCancelled);
}

// LLM discovery's shape: a request ended by the client's destruction asks
// for a retry timer from its on_complete; that is ignored, never a crash.
TEST_F(HttpClientTest, ACompletionDuringDestructionMayAskForATimer) {
  auto client = std::make_unique<HttpClient>(1);
  std::promise<void> completed;
  std::atomic<bool> timer_ran{false};
  ClientCallbacks cb;
  cb.on_complete = [&](std::optional<Error>) {
    client->RunAfter(0, [&] { timer_ran = true; });
    completed.set_value();
  };
  client->Stream(Get("/silent"), {}, std::move(cb));
  std::this_thread::sleep_for(50ms);
  // Not client.reset(): that nulls the pointer before the destructor runs.
  delete client.get();
  auto future = completed.get_future();
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  (void)client.release();
  EXPECT_FALSE(timer_ran);
}

TEST_F(HttpClientTest, RunAfterRunsLater) {
  std::promise<Clock::time_point> ran;
  auto start = Clock::now();
  client_.RunAfter(60, [&] { ran.set_value(Clock::now()); });
  EXPECT_GE(ran.get_future().get() - start, 55ms);
}

}  // namespace
}  // namespace mv
