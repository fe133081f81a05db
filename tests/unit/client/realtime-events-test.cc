#include "client/realtime-events.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace {

using json = nlohmann::json;

TEST(RealtimeEvents, PushToTalkTurnsServerVadOff) {
  mv::ClientConfig c;
  c.push_to_talk = true;
  json e = mv::SessionUpdateEvent(c);
  EXPECT_EQ(e["type"], "session.update");
  ASSERT_TRUE(e["session"]["audio"]["input"].contains("turn_detection"));
  EXPECT_TRUE(e["session"]["audio"]["input"]["turn_detection"].is_null());
  EXPECT_FALSE(e["session"].contains("instructions"));
  EXPECT_FALSE(e["session"]["audio"]["output"].contains("voice"));
}

TEST(RealtimeEvents, DefaultsLeaveTheServersVadAlone) {
  json e = mv::SessionUpdateEvent(mv::ClientConfig{});
  EXPECT_FALSE(e["session"]["audio"]["input"].contains("turn_detection"));
  EXPECT_EQ(e["session"]["type"], "realtime");
  EXPECT_EQ(e["session"]["audio"]["output"]["format"]["type"], "audio/pcm");
}

TEST(RealtimeEvents, AudioRoundTripsThroughPcm16Base64) {
  std::vector<float> in = {0.0f, 0.5f, -0.5f, 0.999f, -1.0f};
  json e = mv::AppendEvent(in.data(), in.size());
  EXPECT_EQ(e["type"], "input_audio_buffer.append");
  std::vector<float> out = mv::DecodeAudioDelta(e["audio"].get<std::string>());
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(out[i], in[i], 1.0 / 16384);
  EXPECT_THROW(mv::DecodeAudioDelta("AAAA"), mv::Error);  // 3 bytes: odd
  EXPECT_THROW(mv::DecodeAudioDelta("!!!!"), mv::Error);
}

TEST(RealtimeEvents, TextItemIsAUserMessage) {
  json e = mv::TextItemEvent("hi there");
  EXPECT_EQ(e["type"], "conversation.item.create");
  EXPECT_EQ(e["item"]["role"], "user");
  EXPECT_EQ(e["item"]["content"][0]["type"], "input_text");
  EXPECT_EQ(e["item"]["content"][0]["text"], "hi there");
}

TEST(RealtimeEvents, LatencyLineListsTheStagesThatHappened) {
  EXPECT_EQ(mv::FormatLatency(json{{"asr_ms", 120.4},
                                   {"llm_first_token_ms", 310},
                                   {"first_audio_ms", 420},
                                   {"asr_audio_ms", 2000}}),
            "latency: asr 120 ms, llm first token 310 ms, first audio 420 ms");
  EXPECT_EQ(mv::FormatLatency(json{{"llm_first_token_ms", 90}}), "latency: llm first token 90 ms");
  EXPECT_EQ(mv::FormatLatency(json()), "");
  EXPECT_EQ(mv::FormatLatency(json::object()), "");
}

TEST(RealtimeEvents, DescribesErrors) {
  EXPECT_EQ(mv::DescribeError(json{{"error", {{"code", "unknown_voice"}, {"message", "no x"}}}}),
            "unknown_voice: no x");
  EXPECT_EQ(mv::DescribeError(json{{"error", {{"type", "server_error"}}}}), "server_error");
  EXPECT_EQ(mv::DescribeError(json{{"type", "error"}}), "error");
}

}  // namespace
