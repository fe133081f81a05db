// The WebSocket client against mv::HttpServer's WebSocket side (and a TLS
// front for wss://): messages both ways, headers, timeouts, cancellation,
// every way a connection ends, and the error kinds engines fail over on.
#include "net/websocket-client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/http-server.h"
#include "support/test-net.h"
#include "tls-tunnel.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

long long MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Echoes every message; a few text commands make it misbehave on purpose.
class WebSocketClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.io_threads = 2;
    o.max_body_bytes = 1 << 20;
    server_ = std::make_unique<HttpServer>(o);
    server_->Route("GET", "/plain",
                   [](auto, auto res) { res->Send(HttpResponse::Json(200, "1")); });
    server_->RouteWebSocket("/ws", [this](std::shared_ptr<WebSocketSession> s) {
      sessions_.fetch_add(1);
      std::weak_ptr<WebSocketSession> weak = s;
      s->OnClose([this, weak] {
        if (auto session = weak.lock()) last_close_code_ = session->close_code();
        closed_.fetch_add(1);
      });
      s->OnMessage([weak](WebSocketMessage m) {
        auto session = weak.lock();
        if (!session) return;
        if (m.binary) {
          session->SendBinary(m.data);
        } else if (m.data.rfind("close:", 0) == 0) {
          session->Close(std::stoi(m.data.substr(6, 4)), m.data.substr(11));
        } else if (m.data == "drop") {
          session->Abort();
        } else if (m.data == "headers") {
          json h = session->request().headers;
          h["?path"] = session->request().path;
          h["?query"] = session->request().Query("x").value_or("");
          session->SendText(h.dump());
        } else if (m.data.rfind("flood:", 0) == 0) {
          for (int i = 0, n = std::stoi(m.data.substr(6)); i < n; ++i)
            session->SendText(std::to_string(i));
        } else if (m.data.rfind("big:", 0) == 0) {
          session->SendText(std::string(std::stoul(m.data.substr(4)), 'x'));
        } else if (m.data == "then-drop") {
          session->SendText("last words");
          session->Abort();
        } else if (m.data != "silent") {
          session->SendText(m.data);
        }
      });
    });
    server_->Start();
  }

  std::string Url(const std::string& path = "/ws") const {
    return "ws://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  static Error ErrorOf(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no error";
    return Error(ErrorKind::kInternal, "none", "none");
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> sessions_{0};
  std::atomic<int> closed_{0};
  std::atomic<int> last_close_code_{-1};
};

TEST_F(WebSocketClientTest, TextAndBinaryRoundTrip) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("hello");
  std::string binary("\x00\x01\xff\x80 bytes", 10);
  ws->SendBinary(binary);
  auto a = ws->Receive(5000);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->binary);
  EXPECT_EQ(a->data, "hello");
  auto b = ws->Receive(5000);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->binary);
  EXPECT_EQ(b->data, binary);
  EXPECT_TRUE(ws->is_open());
}

TEST_F(WebSocketClientTest, UpgradeCarriesHeadersPathAndQuery) {
  WebSocketOptions o;
  o.headers = {{"Authorization", "Bearer t0ken"}, {"Device-Id", "aa:bb"}};
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url("/ws?x=42"), o);
  ws->SendText("headers");
  auto m = ws->Receive(5000);
  ASSERT_TRUE(m);
  json h = json::parse(m->data);
  EXPECT_EQ(h["authorization"], "Bearer t0ken");
  EXPECT_EQ(h["device-id"], "aa:bb");
  EXPECT_EQ(h["?path"], "/ws");
  EXPECT_EQ(h["?query"], "42");
  EXPECT_EQ(h["user-agent"], "mirrorvox/0.1");
  EXPECT_FALSE(ws->response_headers().at("sec-websocket-accept").empty());
}

TEST_F(WebSocketClientTest, ManyMessagesArriveInOrder) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("flood:500");
  for (int i = 0; i < 500; ++i) {
    auto m = ws->Receive(5000);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->data, std::to_string(i));
  }
}

TEST_F(WebSocketClientTest, SendsFromSeveralThreadsAllArrive) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) ws->SendBinary(std::string(100 + t, 'a' + t));
    });
  for (auto& t : threads) t.join();
  int counts[4] = {};
  for (int i = 0; i < 200; ++i) {
    auto m = ws->Receive(5000);
    ASSERT_TRUE(m);
    ++counts[m->data.size() - 100];
  }
  for (int c : counts) EXPECT_EQ(c, 50);
}

TEST_F(WebSocketClientTest, ReceiveTimeoutLeavesTheConnectionUsable) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("silent");
  auto start = Clock::now();
  Error e = ErrorOf([&] { ws->Receive(150); });
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
  EXPECT_GE(MsSince(start), 140);
  ws->SendText("still here");
  auto m = ws->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "still here");
}

TEST_F(WebSocketClientTest, PeerCloseFrameEndsCleanlyWithItsCode) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("close:4000:bye now");
  auto m = ws->Receive(5000);
  EXPECT_FALSE(m);  // a clean end, not an error
  EXPECT_EQ(ws->close_code(), 4000);
  EXPECT_EQ(ws->close_reason(), "bye now");
  EXPECT_FALSE(ws->is_open());
  Error e = ErrorOf([&] { ws->SendText("too late"); });
  EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
}

TEST_F(WebSocketClientTest, DroppedConnectionIsUpstreamAfterWhatCameBefore) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("then-drop");
  auto m = ws->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "last words");
  Error e = ErrorOf([&] { ws->Receive(5000); });
  EXPECT_EQ(e.kind(), ErrorKind::kUpstream) << e.what();
  EXPECT_EQ(e.code(), "connection_lost");
}

TEST_F(WebSocketClientTest, CloseHandshakeReachesTheServer) {
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
  ws->SendText("ping");
  ASSERT_TRUE(ws->Receive(5000));
  ws->Close(1000, "done");
  EXPECT_FALSE(ws->is_open());
  for (int i = 0; i < 100 && closed_ == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(closed_.load(), 1);
  EXPECT_EQ(last_close_code_.load(), 1000);
  ws->Close();  // a second close is a no-op
}

TEST_F(WebSocketClientTest, CallbacksGetEveryMessageThenTheEnd) {
  std::mutex mutex;  // guards got, end
  std::condition_variable cv;
  std::vector<std::string> got;
  std::optional<std::optional<Error>> end;
  WebSocketCallbacks cb;
  cb.on_message = [&](WebSocketMessage m) {
    std::lock_guard lock(mutex);
    got.push_back(m.data);
  };
  cb.on_close = [&](std::optional<Error> e) {
    std::lock_guard lock(mutex);
    end = std::move(e);
    cv.notify_all();
  };
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url(), {}, CancelToken(), cb);
  ws->SendText("flood:20");
  ws->SendText("close:1000:x");
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return end.has_value(); }));
  EXPECT_FALSE(end->has_value());  // clean
  ASSERT_EQ(got.size(), 20u);
  EXPECT_EQ(got.back(), "19");
  lock.unlock();
  EXPECT_FALSE(ws->Receive(100));  // Receive() only reports the end
}

TEST_F(WebSocketClientTest, CancelStopsAWaitingReceive) {
  CancelToken cancel;
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url(), {}, cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  auto start = Clock::now();
  Error e = ErrorOf([&] { ws->Receive(10000); });
  canceller.join();
  EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  EXPECT_LT(MsSince(start), 3000);
  EXPECT_EQ(ErrorOf([&] { ws->SendText("x"); }).kind(), ErrorKind::kCancelled);
}

TEST_F(WebSocketClientTest, RefusedConnectionIsUnavailable) {
  int port = server_->port();
  server_->Stop();
  server_.reset();
  Error e = ErrorOf(
      [&] { WebSocketClient::Connect(mv::TestNet(), "ws://127.0.0.1:" + std::to_string(port)); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "connect_failed");
}

TEST_F(WebSocketClientTest, DeclinedUpgradeIsUnavailableWithTheStatus) {
  Error e = ErrorOf([&] { WebSocketClient::Connect(mv::TestNet(), Url("/plain")); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "upgrade_refused");
  EXPECT_NE(std::string(e.what()).find("HTTP 200"), std::string::npos) << e.what();
  e = ErrorOf([&] { WebSocketClient::Connect(mv::TestNet(), Url("/nowhere")); });
  EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
}

TEST_F(WebSocketClientTest, BadUrlsAreInvalidInput) {
  for (const char* url : {"http://127.0.0.1:1/", "ftp://x", "ws://", "not a url"}) {
    Error e = ErrorOf([&] { WebSocketClient::Connect(mv::TestNet(), url); });
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << url;
  }
}

TEST_F(WebSocketClientTest, SilentPeerTimesOutTheConnect) {
  // Accepts TCP connections and never answers the upgrade.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  WebSocketOptions o;
  o.connect_timeout_ms = 200;
  auto start = Clock::now();
  Error e = ErrorOf([&] {
    WebSocketClient::Connect(mv::TestNet(),
                             "ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), o);
  });
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
  EXPECT_EQ(e.code(), "connect_timeout");
  EXPECT_LT(MsSince(start), 3000);
  close(fd);
}

TEST_F(WebSocketClientTest, OversizeMessageIsTooLarge) {
  WebSocketOptions o;
  o.max_message_bytes = 1000;
  auto ws = WebSocketClient::Connect(mv::TestNet(), Url(), o);
  ws->SendText("big:5000");
  Error e = ErrorOf([&] { ws->Receive(5000); });
  EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
}

TEST_F(WebSocketClientTest, DestructorDropsAnOpenConnection) {
  {
    auto ws = WebSocketClient::Connect(mv::TestNet(), Url());
    ws->SendText("silent");
  }
  for (int i = 0; i < 200 && closed_ == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(closed_.load(), 1);
}

class WssClientTest : public WebSocketClientTest {
 protected:
  void SetUp() override {
    WebSocketClientTest::SetUp();
    tunnel_ = std::make_unique<mvtest::TlsTunnel>(server_->port());
  }
  void TearDown() override { tunnel_.reset(); }
  std::string WssUrl(const std::string& host) const {
    return "wss://" + host + ":" + std::to_string(tunnel_->port()) + "/ws";
  }
  std::unique_ptr<mvtest::TlsTunnel> tunnel_;
};

TEST_F(WssClientTest, SelfSignedIsRefusedUnlessVerificationIsOff) {
  Error e = ErrorOf([&] { WebSocketClient::Connect(mv::TestNet(), WssUrl("localhost")); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "tls_failed");
  EXPECT_NE(std::string(e.what()).find("certificate verification failed"), std::string::npos);

  WebSocketOptions o;
  o.verify_tls = false;  // FunASR's default self-signed certificate
  auto ws = WebSocketClient::Connect(mv::TestNet(), WssUrl("127.0.0.1"), o);
  ws->SendText("over tls");
  auto m = ws->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "over tls");
  ws->Close();
}

TEST_F(WssClientTest, TrustedCaFileIsAccepted) {
  WebSocketOptions o;
  o.ca_file = tunnel_->cert_file();
  auto ws = WebSocketClient::Connect(mv::TestNet(), WssUrl("localhost"), o);
  std::string payload(100000, 'z');
  ws->SendBinary(payload);
  auto m = ws->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, payload);
}

TEST_F(WssClientTest, WssToAPlainServerSaysSo) {
  WebSocketOptions o;
  o.verify_tls = false;
  o.connect_timeout_ms = 3000;
  Error e = ErrorOf([&] {
    WebSocketClient::Connect(mv::TestNet(), "wss://127.0.0.1:" + std::to_string(server_->port()),
                             o);
  });
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_NE(std::string(e.what()).find("plain ws://"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace mv
