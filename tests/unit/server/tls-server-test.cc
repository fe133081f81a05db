// HTTPS and WSS on the server's one port: the generated certificate
// verified as a CA (host name 127.0.0.1), plain HTTP and WS beside it,
// streaming, limits and hang-up over TLS, and clients with a broken or
// outdated handshake dropped without harm to anyone else.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "net/http-client.h"
#include "net/websocket-client.h"
#include "server/http-server.h"
#include "server/tls-credentials.h"
#include "server/tls-self-signed.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-net.h"

namespace mv {
namespace {

using namespace std::chrono_literals;

// A TLS handshake from a client that offers only `version` (e.g.
// TLS1_VERSION); true when it completed.
bool HandshakeWithVersion(int port, int version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // else OpenSSL 3 refuses to even offer TLS 1.0
  SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
  }
  close(fd);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

// Two requests, one after the other, on one TLS connection (keep-alive: the
// server's read between them is cancelled and resumed on the TLS stream).
// Returns both raw answers.
std::vector<std::string> TwoRequestsOnOneConnection(int port) {
  std::vector<std::string> answers;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SSL* ssl = SSL_new(ctx);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      (SSL_set_fd(ssl, fd), SSL_connect(ssl) == 1)) {
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < 2; ++i) {
      if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) break;
      std::string answer;
      char buf[4096];
      // The body is {"ok":true}: read until it is complete.
      while (answer.find("{\"ok\":true}") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof(buf));
        if (n <= 0) break;
        answer.append(buf, static_cast<std::size_t>(n));
      }
      answers.push_back(answer);
    }
  }
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return answers;
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = mvtest::TempDir();
    cert_file_ = dir_ + "/cert.pem";
    WriteSelfSignedFiles(MakeSelfSigned(LocalSubjectNames()), cert_file_, dir_ + "/key.pem");
    TlsCredentials tls = LoadTlsCredentials(cert_file_, dir_ + "/key.pem");

    HttpServerOptions o;
    o.io_threads = 2;
    o.max_body_bytes = 1000;
    o.tls_cert_pem = tls.cert_pem;
    o.tls_key_pem = tls.key_pem;
    server_ = std::make_unique<HttpServer>(o);
    server_->Route("GET", "/healthz",
                   [](auto, auto res) { res->Send(HttpResponse::Json(200, "{\"ok\":true}")); });
    server_->Route("POST", "/echo", [](auto req, auto res) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = req->body;
      res->Send(r);
    });
    // Streams events from another thread; with `endless_` until cancelled.
    server_->Route("GET", "/events", [this](auto, std::shared_ptr<Responder> res) {
      workers_.emplace_back([this, res] {
        res->StartStream(200, "text/event-stream");
        for (int i = 0; i < 1000; ++i) {
          if (res->cancel().IsCancelled()) {
            cancelled_ = true;
            return;
          }
          if (!res->Write("data: " + std::to_string(i) + "\n\n")) break;
          if (i == 2 && !endless_) break;
          std::this_thread::sleep_for(10ms);
        }
        res->End();
      });
    });
    server_->RouteWebSocket("/echo", [](std::shared_ptr<WebSocketSession> s) {
      std::weak_ptr<WebSocketSession> weak = s;
      s->OnMessage([weak](WebSocketMessage m) {
        if (auto session = weak.lock()) session->SendText("echo:" + m.data);
      });
    });
    server_->Start();
    port_ = server_->port();
  }
  void TearDown() override {
    server_->Stop();
    for (auto& t : workers_) t.join();
    std::filesystem::remove_all(dir_);
  }

  ClientRequest Https(const std::string& path) const {
    ClientRequest r;
    r.url = "https://127.0.0.1:" + std::to_string(port_) + path;
    r.ca_file = cert_file_;
    r.connect_timeout_ms = 5000;
    return r;
  }
  WebSocketOptions Wss() const {
    WebSocketOptions o;
    o.ca_file = cert_file_;
    o.connect_timeout_ms = 5000;
    return o;
  }
  std::string WssUrl(const std::string& path) const {
    return "wss://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::string dir_;
  std::string cert_file_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::vector<std::thread> workers_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> endless_{false};
  HttpClient client_{1};
};

TEST_F(TlsServerTest, HttpsWithTheCertificateTrustedAsCa) {
  EXPECT_TRUE(server_->tls());
  ClientResponse r = client_.Fetch(Https("/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"ok\":true}");
  // localhost is in the certificate too.
  ClientRequest by_name = Https("/healthz");
  by_name.url = "https://localhost:" + std::to_string(port_) + "/healthz";
  EXPECT_EQ(client_.Fetch(by_name).status, 200);
}

TEST_F(TlsServerTest, UntrustedCertificateIsRefusedByAVerifyingClient) {
  ClientRequest r = Https("/healthz");
  r.ca_file.clear();
  try {
    client_.Fetch(r);
    FAIL() << "a self-signed certificate passed verification without being trusted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_failed") << e.what();
  }
  EXPECT_EQ(client_.Fetch(Https("/healthz")).status, 200);  // the server is fine
}

TEST_F(TlsServerTest, PlainHttpOnTheSamePort) {
  auto r = mvtest::HttpGet(port_, "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"ok\":true}");
}

TEST_F(TlsServerTest, BodyLimitAndKeepAliveOverTls) {
  ClientRequest big = Https("/echo");
  big.method = "POST";
  big.body = std::string(5000, 'x');
  EXPECT_EQ(client_.Fetch(big).status, 413);
  ClientRequest small = big;
  small.body = "hello";
  ClientResponse r = client_.Fetch(small);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
}

TEST_F(TlsServerTest, KeepAliveOverTls) {
  auto answers = TwoRequestsOnOneConnection(port_);
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& a : answers) EXPECT_TRUE(a.starts_with("HTTP/1.1 200")) << a;
  EXPECT_NE(answers[1].find("{\"ok\":true}"), std::string::npos) << answers[1];
}

TEST_F(TlsServerTest, StreamsOverTls) {
  ClientResponse r = client_.Fetch(Https("/events"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(mvtest::SseData(r.body), (std::vector<std::string>{"0", "1", "2"}));
}

TEST_F(TlsServerTest, ClientHangupOverTlsCancelsTheHandler) {
  endless_ = true;
  CancelToken cancel;
  std::promise<void> done;
  std::atomic<int> pieces{0};
  ClientCallbacks cb;
  cb.on_data = [&](std::string_view) {
    if (++pieces == 3) cancel.Cancel();  // the client goes away mid-stream
  };
  cb.on_complete = [&](std::optional<Error>) { done.set_value(); };
  client_.Stream(Https("/events"), cancel, cb);
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  for (int i = 0; i < 500 && !cancelled_; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(cancelled_);
}

TEST_F(TlsServerTest, WssUpgradeAndPlainWsOnTheSamePort) {
  auto wss = WebSocketClient::Connect(mv::TestNet(), WssUrl("/echo"), Wss());
  wss->SendText("over tls");
  auto m = wss->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "echo:over tls");
  wss->Close();

  auto ws =
      WebSocketClient::Connect(mv::TestNet(), "ws://127.0.0.1:" + std::to_string(port_) + "/echo");
  ws->SendText("plain");
  m = ws->Receive(5000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, "echo:plain");
  ws->Close();
}

TEST_F(TlsServerTest, GarbageAndBrokenHandshakesDropOnlyThatConnection) {
  // Not TLS at all: answered as a malformed plain HTTP request.
  std::string answer = mvtest::RawExchange(port_, std::string("\x01\x02garbage\r\n\r\n", 13), 5);
  EXPECT_NE(answer.find("400"), std::string::npos) << answer;
  // A ClientHello record header followed by junk: the handshake fails, the
  // connection drops after at most a TLS alert record (0x15).
  std::string hello("\x16\x03\x01\x00\x40\x01\x00\x00\x3c", 9);
  answer = mvtest::RawExchange(port_, hello + std::string(60, '\x7f'), 5);
  EXPECT_EQ(answer.find("HTTP"), std::string::npos) << answer;
  EXPECT_TRUE(answer.empty() || answer[0] == '\x15') << answer;
  // An outdated client (TLS 1.0 only) is refused.
  EXPECT_FALSE(HandshakeWithVersion(port_, TLS1_VERSION));
  EXPECT_TRUE(HandshakeWithVersion(port_, TLS1_2_VERSION));
  EXPECT_TRUE(HandshakeWithVersion(port_, TLS1_3_VERSION));
  // The server goes on serving both kinds.
  EXPECT_EQ(client_.Fetch(Https("/healthz")).status, 200);
  EXPECT_EQ(mvtest::HttpGet(port_, "/healthz").status, 200);
}

TEST_F(TlsServerTest, UnusablePemIsAStartupError) {
  HttpServerOptions o;
  o.tls_cert_pem = "not a certificate";
  o.tls_key_pem = "not a key";
  HttpServer bad(o);
  try {
    bad.Start();
    FAIL() << "started with a broken certificate";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("server.tls.cert"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mv
