// Back-pressure end to end (server.max_queued_audio_ms): a client that asks
// /api/chat for a long spoken answer and then does not read. The server's
// queue for it stays within the limit (plus the one event that took it
// over), the answer waits instead of piling up in memory, and once the
// client reads it gets every segment, in order, nothing lost.
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio-decoder.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/stalled-client.h"
#include "support/test-http.h"

namespace {

using json = nlohmann::json;

double MetricValue(const std::string& text, const std::string& series) {
  std::size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + series.size() + 1));
    pos += series.size();
  }
  return 0;
}

constexpr int kLimitMs = 1000;
// /api/chat sends each segment as one event: a 16 kHz 16-bit WAV in base64.
constexpr double kBytesPerSecond = 16000 * 2 * 4 / 3.0;
// One segment of the reply below is well under 8 s of speech.
constexpr double kOneEventBytes = 8 * kBytesPerSecond;

std::string LongReply(int sentences) {
  static const char* kNumbers[] = {"one", "two",   "three", "four", "five",
                                   "six", "seven", "eight", "nine", "ten"};
  std::string out;
  for (int i = 0; i < sentences; ++i)
    out += std::string(i ? " " : "") + "This is sentence " + kNumbers[i % 10] + " of part " +
           kNumbers[i / 10 % 10] + ", which the slow client hears in order.";
  return out;
}

TEST(BackPressure, ASlowSseClientHoldsTheAnswerBackAndThenGetsAllOfIt) {
  mvtest::FakeLlmServer llm;
  const std::string reply = LongReply(60);  // about 4 minutes of speech, ~10 MB of events
  llm.PushReply(reply);
  mvtest::ServerProcess server(
      {}, {{"MIRRORVOX_LLM__URL", llm.base_url()},
           {"MIRRORVOX_LLM__MODEL", "fake-llm"},
           {"MIRRORVOX_TTS__VOICE", "slt"},
           {"MIRRORVOX_TTS__PARALLELISM", "2"},
           {"MIRRORVOX_SERVER__MAX_QUEUED_AUDIO_MS", std::to_string(kLimitMs)}});
  ASSERT_TRUE(server.ok()) << server.Log();
  const std::string turns = "mirrorvox_turns_total{route=\"/api/chat\"}";
  const std::string before = mvtest::HttpGet(server.port(), "/metrics").body;
  ASSERT_NE(before.find("# TYPE mirrorvox_output_queued_bytes gauge"), std::string::npos);

  const std::string body = json{{"msg", {{{"role", "user"}, {"content", "talk a lot"}}}}}.dump();
  mvtest::StalledClient client(server.port(),
                               "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Content-Type: application/json\r\n"
                               "Connection: close\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(client.ok());

  // Until the answer has stayed paused for a good while: the kernel's
  // buffers are full and the server holds the rest back. Every look at the
  // queue on the way must find it within the limit.
  const double bound = kLimitMs / 1000.0 * kBytesPerSecond + kOneEventBytes;
  double max_queued = 0;
  int paused_in_a_row = 0;
  std::string metrics;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (paused_in_a_row < 50 && std::chrono::steady_clock::now() < deadline) {
    metrics = mvtest::HttpGet(server.port(), "/metrics").body;
    const double queued = MetricValue(metrics, "mirrorvox_output_queued_bytes");
    max_queued = std::max(max_queued, queued);
    ASSERT_LE(queued, bound) << metrics;
    ASSERT_EQ(MetricValue(metrics, turns), MetricValue(before, turns))
        << "the turn ended while its client read nothing: nothing held it back";
    paused_in_a_row =
        MetricValue(metrics, "mirrorvox_output_paused") >= 1 ? paused_in_a_row + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(paused_in_a_row, 50) << "the answer never paused\n"
                                 << metrics
                                 << "\nthe client got: " << client.ReadAll(1).substr(0, 400);
  EXPECT_GT(MetricValue(metrics, "mirrorvox_output_pauses_total"),
            MetricValue(before, "mirrorvox_output_pauses_total"));
  EXPECT_GT(max_queued, 0);

  // Now the client reads: all of it arrives, in order.
  const std::string raw = client.ReadAll(300);
  int status = 0;
  std::string head, sse;
  ASSERT_TRUE(mvtest::ParseResponse(raw, &status, &head, &sse)) << raw.size() << " bytes";
  ASSERT_EQ(status, 200) << head;
  const std::vector<std::string> events = mvtest::SseData(sse);
  ASSERT_GE(events.size(), 61u);
  std::string joined;
  double seconds = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json e = json::parse(events[i]);
    ASSERT_EQ(e["done"], false);
    const mv::AudioBuffer audio = mv::DecodeAudio(mv::Base64Decode(e["file"].get<std::string>()));
    EXPECT_GT(audio.DurationSeconds(), 0.5) << e["message"];
    seconds += audio.DurationSeconds();
    joined += e["message"].get<std::string>();
  }
  const json done = json::parse(events.back());
  EXPECT_EQ(done["done"], true);
  EXPECT_FALSE(done.contains("error")) << done.dump();
  EXPECT_FALSE(done.contains("failed_segments")) << done.dump();
  EXPECT_EQ(done["message"], reply);
  EXPECT_EQ(joined, reply);  // every segment, in order
  // Far more than the server ever held for the client at once.
  EXPECT_GT(static_cast<double>(sse.size()), 10 * max_queued);
  std::cout << "answer: " << events.size() - 1 << " segments, " << seconds << " s of speech, "
            << sse.size() << " bytes of events; most queued for the client at once: " << max_queued
            << " bytes (limit " << kLimitMs << " ms = " << kLimitMs / 1000.0 * kBytesPerSecond
            << " bytes)\n";

  metrics = mvtest::HttpGet(server.port(), "/metrics").body;
  EXPECT_EQ(MetricValue(metrics, turns), MetricValue(before, turns) + 1);
  EXPECT_EQ(MetricValue(metrics, "mirrorvox_output_paused"), 0) << metrics;
  EXPECT_EQ(MetricValue(metrics, "mirrorvox_output_queued_bytes"), 0) << metrics;
}

}  // namespace
