// The HTTP layer on its own: routing, full and streamed responses, limits,
// and that a client hanging up cancels the handler's work.
#include "server/http-server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/error.h"
#include "support/test-http.h"

namespace mv {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.max_body_bytes = 1000;
    o.io_threads = 2;
    server_ = std::make_unique<HttpServer>(o);
    server_->Route("GET", "/hello", [](auto req, auto res) {
      res->Send(HttpResponse::Json(200, "\"hi " + req->Query("name").value_or("") + "\""));
    });
    server_->Route("POST", "/echo", [](auto req, auto res) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = req->body;
      res->Send(r);
    });
    server_->Route("GET", "/throws", [](auto, auto) {
      throw Error(ErrorKind::kInvalidInput, "nope", "bad thing");
    });
    server_->Route("GET", "/forgets", [](auto, auto) {});
    server_->Route("GET", "/files/*", [](auto req, auto res) {
      res->Send(HttpResponse::Json(200, "\"" + req->path + "\""));
    });
    // Streams one chunk every 20 ms from another thread until cancelled.
    server_->Route("GET", "/stream", [this](auto req, std::shared_ptr<Responder> res) {
      workers_.emplace_back([this, res] {
        res->StartStream(200, "text/event-stream");
        for (int i = 0; i < 500; ++i) {
          if (res->cancel().IsCancelled()) {
            cancelled_at_ = std::chrono::steady_clock::now();
            cancelled_ = true;
            return;
          }
          if (!res->Write("data: " + std::to_string(i) + "\n\n")) break;
          if (i == 2 && !long_stream_) {
            res->End();
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        res->End();
      });
    });
    server_->Start();
    port_ = server_->port();
  }
  void TearDown() override {
    server_->Stop();
    for (auto& t : workers_) t.join();
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::vector<std::thread> workers_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> long_stream_{false};
  std::chrono::steady_clock::time_point cancelled_at_;
};

TEST_F(HttpServerTest, RoutesWithDecodedQuery) {
  auto r = mvtest::HttpGet(port_, "/hello?name=J%C3%BCrgen");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"hi Jürgen\"");
  EXPECT_EQ(mvtest::HttpGet(port_, "/files/a/b.wav").body, "\"/files/a/b.wav\"");
}

TEST_F(HttpServerTest, EchoesBody) {
  auto r = mvtest::HttpRequest("POST", port_, "/echo", "ping", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ping");
}

TEST_F(HttpServerTest, UnknownPathAndWrongMethod) {
  EXPECT_EQ(mvtest::HttpGet(port_, "/nope").status, 404);
  EXPECT_EQ(mvtest::HttpGet(port_, "/echo").status, 405);
}

TEST_F(HttpServerTest, TypedErrorBecomesJsonWithItsStatus) {
  auto r = mvtest::HttpGet(port_, "/throws");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"code\":\"nope\""), std::string::npos) << r.body;
}

TEST_F(HttpServerTest, ForgottenResponseBecomes500NotAHang) {
  auto r = mvtest::HttpRequest("GET", port_, "/forgets", "", {}, nullptr, 5);
  EXPECT_EQ(r.status, 500);
}

TEST_F(HttpServerTest, BodyOverLimitIs413) {
  auto r = mvtest::HttpRequest("POST", port_, "/echo", std::string(5000, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(mvtest::HttpGet(port_, "/hello").status, 200);
}

TEST_F(HttpServerTest, StreamsChunks) {
  auto r = mvtest::HttpGet(port_, "/stream");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  EXPECT_EQ(mvtest::SseData(r.body), (std::vector<std::string>{"0", "1", "2"}));
}

TEST_F(HttpServerTest, ClientHangupCancelsHandlerQuickly) {
  long_stream_ = true;
  std::chrono::steady_clock::time_point hung_up;
  int pieces = 0;
  mvtest::HttpRequest("GET", port_, "/stream", "", {}, [&](const std::string&) {
    if (++pieces < 3) return true;
    hung_up = std::chrono::steady_clock::now();
    return false;
  });
  // Event-driven: the endless handler stops only because the hang-up reached
  // its token (how fast is a benchmark's business, not a test's).
  for (int i = 0; i < 10000 && !cancelled_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(cancelled_);
  EXPECT_GE(cancelled_at_, hung_up);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string two =
      "GET /hello?name=a HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?name=b HTTP/1.1\r\nHost: "
      "x\r\nConnection: close\r\n\r\n";
  std::string answer = mvtest::RawExchange(port_, two);
  EXPECT_NE(answer.find("\"hi a\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"hi b\""), std::string::npos) << answer;
}

}  // namespace
}  // namespace mv
