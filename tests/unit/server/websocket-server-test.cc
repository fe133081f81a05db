// HttpServer's WebSocket routes: the session interface handlers see (blocking
// Receive on a thread of their own, or callbacks), every way a session ends,
// and a server that stops under sessions still in use.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "net/websocket-client.h"
#include "server/http-server.h"
#include "support/test-http.h"
#include "support/test-net.h"

namespace mv {
namespace {

using namespace std::chrono_literals;

// Hands each new session to the test.
class SessionInbox {
 public:
  void Push(std::shared_ptr<WebSocketSession> s) {
    std::lock_guard lock(mutex_);
    sessions_.push_back(std::move(s));
    cv_.notify_all();
  }
  std::shared_ptr<WebSocketSession> Next(int index) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, 5s, [&] { return static_cast<int>(sessions_.size()) > index; });
    return static_cast<int>(sessions_.size()) > index ? sessions_[index] : nullptr;
  }

 private:
  std::mutex mutex_;  // guards sessions_
  std::condition_variable cv_;
  std::vector<std::shared_ptr<WebSocketSession>> sessions_;
};

class WebSocketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.io_threads = 2;
    o.max_body_bytes = 64 * 1024;
    server_ = std::make_unique<HttpServer>(o);
    server_->Route("GET", "/hello",
                   [](auto, auto res) { res->Send(HttpResponse::Json(200, "1")); });
    server_->RouteWebSocket("/raw", [this](auto s) { inbox_.Push(s); });
    server_->RouteWebSocket("/echo", [](std::shared_ptr<WebSocketSession> s) {
      std::weak_ptr<WebSocketSession> weak = s;
      s->OnMessage([weak](WebSocketMessage m) {
        if (auto session = weak.lock()) {
          if (m.binary) {
            session->SendBinary(std::move(m.data));
          } else {
            session->SendText(std::move(m.data));
          }
        }
      });
    });
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  std::string Url(const std::string& path) const {
    return "ws://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  std::unique_ptr<HttpServer> server_;
  SessionInbox inbox_;
};

TEST_F(WebSocketServerTest, HandlerSeesTheUpgradeRequest) {
  WebSocketOptions o;
  o.headers = {{"X-Token", "abc"}};
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw?voice=alice"), o);
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->request().path, "/raw");
  EXPECT_EQ(s->request().Query("voice"), "alice");
  EXPECT_EQ(s->request().Header("x-token"), "abc");
  EXPECT_EQ(s->request().remote.rfind("127.0.0.1:", 0), 0u);
  EXPECT_TRUE(s->is_open());
}

TEST_F(WebSocketServerTest, BlockingReceiveAndSendFromAnotherThread) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  std::thread handler([s] {
    while (auto m = s->Receive(-1)) s->SendText("got " + std::to_string(m->data.size()));
  });
  client->SendBinary(std::string(1000, 'a'));
  client->SendText("hi");
  EXPECT_EQ(client->Receive(5000)->data, "got 1000");
  EXPECT_EQ(client->Receive(5000)->data, "got 2");
  client->Close();
  handler.join();  // Receive(-1) returned nullopt once the client closed
  EXPECT_FALSE(s->is_open());
  EXPECT_EQ(s->close_code(), 1000);
  EXPECT_FALSE(s->SendText("late"));
}

TEST_F(WebSocketServerTest, ReceiveTimesOutWhileOpen) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->Receive(50));
  EXPECT_TRUE(s->is_open());
}

TEST_F(WebSocketServerTest, CallbacksGetQueuedMessagesFirstInOrder) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  for (int i = 0; i < 5; ++i) client->SendText(std::to_string(i));
  std::this_thread::sleep_for(50ms);  // they queue for Receive()
  std::mutex mutex;                   // guards got
  std::condition_variable cv;
  std::vector<std::string> got;
  s->OnMessage([&](WebSocketMessage m) {
    std::lock_guard lock(mutex);
    got.push_back(m.data);
    cv.notify_all();
  });
  for (int i = 5; i < 10; ++i) client->SendText(std::to_string(i));
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return got.size() == 10; }));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[i], std::to_string(i));
}

TEST_F(WebSocketServerTest, OnCloseRunsOnceAndAtOnceWhenLate) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  std::atomic<int> closes{0};
  s->OnClose([&] { ++closes; });
  client->Close(1001, "going");
  for (int i = 0; i < 200 && closes == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(closes.load(), 1);
  EXPECT_EQ(s->close_code(), 1001);
  bool late = false;
  s->OnClose([&] { late = true; });
  EXPECT_TRUE(late);
}

TEST_F(WebSocketServerTest, ServerCloseSendsQueuedMessagesThenTheCloseFrame) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  s->SendText("one");
  s->SendText("two");
  s->Close(4001, "bye");
  EXPECT_FALSE(s->SendText("after close"));
  EXPECT_EQ(client->Receive(5000)->data, "one");
  EXPECT_EQ(client->Receive(5000)->data, "two");
  EXPECT_FALSE(client->Receive(5000));
  EXPECT_EQ(client->close_code(), 4001);
  EXPECT_EQ(client->close_reason(), "bye");
}

TEST_F(WebSocketServerTest, AbortDropsTheConnectionAfterQueuedMessages) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  s->SendText("final words");
  s->Abort();
  EXPECT_EQ(client->Receive(5000)->data, "final words");
  try {
    client->Receive(5000);
    ADD_FAILURE() << "no error after a dropped connection";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  }
}

TEST_F(WebSocketServerTest, ManyConcurrentSessionsEcho) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&, t] {
      auto c = WebSocketClient::Connect(mv::TestNet(), Url("/echo"));
      for (int i = 0; i < 20; ++i) {
        std::string payload = std::to_string(t) + ":" + std::to_string(i);
        c->SendBinary(payload);
        auto m = c->Receive(5000);
        if (!m || !m->binary || m->data != payload) return;
      }
      c->Close();
      ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16);
}

TEST_F(WebSocketServerTest, HttpRoutesStillWorkAndPlainGetOnAWebSocketPathIs404) {
  EXPECT_EQ(mvtest::HttpGet(server_->port(), "/hello").status, 200);
  EXPECT_EQ(mvtest::HttpGet(server_->port(), "/echo").status, 404);
  auto c = WebSocketClient::Connect(mv::TestNet(), Url("/echo"));  // the server is still fine
  c->SendText("x");
  EXPECT_EQ(c->Receive(5000)->data, "x");
}

TEST_F(WebSocketServerTest, OversizeMessageEndsTheSession) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  try {
    client->SendBinary(std::string(100 * 1024, 'x'));  // over max_body_bytes
  } catch (const Error&) {
    // The server may hang up before the whole message is written.
  }
  EXPECT_FALSE(s->Receive(5000));
  EXPECT_FALSE(s->is_open());
}

TEST_F(WebSocketServerTest, StopWakesHandlersAndSessionsMayOutliveTheServer) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  std::atomic<bool> returned{false};
  std::thread handler([&] {
    while (s->Receive(-1)) {
    }
    returned = true;
  });
  server_->Stop();
  handler.join();
  EXPECT_TRUE(returned);
  EXPECT_FALSE(s->is_open());
  EXPECT_EQ(s->close_code(), 1001);
  server_.reset();  // the io_context is gone; the session is not
  EXPECT_FALSE(s->SendText("nobody listens"));
  s->Close();
  s->Abort();
  s->OnMessage([](WebSocketMessage) {});
  EXPECT_FALSE(s->Receive(10));
}

TEST_F(WebSocketServerTest, BeginStopSendsWhatIsQueuedThenGoingAway) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->SendText("last words"));
  server_->BeginStop();
  EXPECT_FALSE(s->is_open());  // at once, for the handler
  EXPECT_FALSE(s->SendText("too late"));
  auto m = client->Receive(10000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "last words");
  EXPECT_FALSE(client->Receive(10000));  // a clean close, not a dropped connection
  EXPECT_EQ(client->close_code(), 1001);
  // The closing handshake done, nothing is left to wait for.
  EXPECT_TRUE(server_->WaitAnswered(std::chrono::steady_clock::now() + std::chrono::seconds(60)));
  server_->Stop();
}

TEST_F(WebSocketServerTest, PendingBytesCountQueuedOutput) {
  auto client = WebSocketClient::Connect(mv::TestNet(), Url("/raw"));
  auto s = inbox_.Next(0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->pending_bytes(), 0u);
  s->SendBinary(std::string(4096, 'p'));
  EXPECT_EQ(client->Receive(5000)->data.size(), 4096u);
  for (int i = 0; i < 100 && s->pending_bytes() != 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(s->pending_bytes(), 0u);
}

}  // namespace
}  // namespace mv
