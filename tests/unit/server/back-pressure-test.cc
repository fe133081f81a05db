// Responder::WaitForDrain against real sockets: a producer that streams
// faster than its client reads pauses while the queue is over its limit,
// resumes as the client reads, and is woken (and cancelled) when a client
// that never reads is dropped by the write timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/http-server.h"
#include "support/stalled-client.h"

namespace mv {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kChunk = 16 * 1024;
constexpr std::size_t kLimit = 64 * 1024;
// Far more than the kernel buffers a stalled connection can hold (net.ipv4.tcp_wmem's
// maximum is 4 MiB by default): the server's queue is what fills.
constexpr std::size_t kTotal = 12u << 20;

struct Flood {
  std::mutex mutex;  // guards everything below
  std::condition_variable cv;
  int pauses = 0;
  bool waiting = false, resumed = false, cancelled = false, done = false, stuck = false;
  std::size_t written = 0;
  std::size_t max_pending_before_write = 0;
  std::size_t pending_at_pause = 0;
};

char Fill(std::size_t chunk_index) { return static_cast<char>('a' + chunk_index % 26); }

class BackPressureTest : public ::testing::Test {
 protected:
  void StartServer(int idle_timeout_s) {
    HttpServerOptions o;
    o.io_threads = 2;
    o.idle_timeout_s = idle_timeout_s;
    server_ = std::make_unique<HttpServer>(o);
    server_->Route("GET", "/flood", [this](auto, std::shared_ptr<Responder> res) {
      workers_.emplace_back([this, res] { Produce(*res); });
    });
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    for (auto& t : workers_) t.join();
  }

  // A producer with back-pressure, as a turn's TTS is: write, and when the
  // client is behind, wait for the drain before writing more.
  void Produce(Responder& res) {
    res.StartStream(200, "application/octet-stream");
    for (std::size_t i = 0; i * kChunk < kTotal; ++i) {
      {
        std::lock_guard l(flood_.mutex);
        flood_.max_pending_before_write = std::max(flood_.max_pending_before_write, res.Pending());
      }
      if (!res.Write(std::string(kChunk, Fill(i)))) {  // false only once cancelled
        std::lock_guard l(flood_.mutex);
        flood_.cancelled = true;
        break;
      }
      const bool full = res.WaitForDrain(kLimit, [this] {
        std::lock_guard l(flood_.mutex);
        flood_.resumed = true;
        flood_.cv.notify_all();
      });
      std::unique_lock l(flood_.mutex);
      flood_.written += kChunk;
      if (full) {
        ++flood_.pauses;
        flood_.waiting = true;
        flood_.pending_at_pause = res.Pending();
        flood_.cv.notify_all();
        if (!flood_.cv.wait_for(l, 120s, [this] { return flood_.resumed; })) {
          flood_.stuck = true;  // never woken: the bug this test is for
          break;
        }
        flood_.waiting = flood_.resumed = false;
      }
      if (res.cancel().IsCancelled()) {
        flood_.cancelled = true;
        break;
      }
    }
    res.End();
    std::lock_guard l(flood_.mutex);
    flood_.done = true;
    flood_.cv.notify_all();
  }

  std::unique_ptr<HttpServer> server_;
  std::vector<std::thread> workers_;
  Flood flood_;
};

const std::string kRequest = "GET /flood HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

TEST_F(BackPressureTest, ProducerPausesForASlowClientAndItGetsEverything) {
  StartServer(60);
  mvtest::StalledClient client(server_->port(), kRequest);
  ASSERT_TRUE(client.ok());
  {
    std::unique_lock l(flood_.mutex);
    ASSERT_TRUE(flood_.cv.wait_for(l, 120s, [this] { return flood_.waiting || flood_.done; }));
    ASSERT_TRUE(flood_.waiting) << "wrote all " << flood_.written << " bytes without a pause";
    // Over the limit by at most the chunk that took it over.
    EXPECT_GT(flood_.pending_at_pause, kLimit);
    EXPECT_LE(flood_.pending_at_pause, kLimit + kChunk);
  }
  const std::string raw = client.ReadAll(120);
  int status = 0;
  std::string head, body;
  ASSERT_TRUE(mvtest::ParseResponse(raw, &status, &head, &body)) << raw.substr(0, 300);
  EXPECT_EQ(status, 200);
  ASSERT_EQ(body.size(), kTotal);
  for (std::size_t i = 0; i * kChunk < kTotal; ++i) {  // nothing lost, nothing reordered
    const std::size_t end = body.find_first_not_of(Fill(i), i * kChunk);
    ASSERT_EQ(end == std::string::npos ? body.size() : end, (i + 1) * kChunk) << "chunk " << i;
  }
  std::unique_lock l(flood_.mutex);
  ASSERT_TRUE(flood_.cv.wait_for(l, 60s, [this] { return flood_.done; }));
  EXPECT_FALSE(flood_.cancelled);
  EXPECT_FALSE(flood_.stuck);
  EXPECT_GE(flood_.pauses, 1);
  // It never wrote while the client was behind.
  EXPECT_LE(flood_.max_pending_before_write, kLimit);
}

TEST_F(BackPressureTest, AClientThatNeverReadsIsDroppedAndTheProducerWoken) {
  StartServer(1);  // the write timeout: a client that takes nothing for 1 s is gone
  mvtest::StalledClient client(server_->port(), kRequest);
  ASSERT_TRUE(client.ok());
  std::unique_lock l(flood_.mutex);
  ASSERT_TRUE(flood_.cv.wait_for(l, 120s, [this] { return flood_.done; }));
  EXPECT_GE(flood_.pauses, 1);
  EXPECT_TRUE(flood_.cancelled);  // woken by the drop, and told to stop
  EXPECT_FALSE(flood_.stuck);
  EXPECT_LT(flood_.written, kTotal);
}

}  // namespace
}  // namespace mv
