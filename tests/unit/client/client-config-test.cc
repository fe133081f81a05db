#include "client/client-config.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace {

TEST(ClientConfig, NormalizesUrls) {
  EXPECT_EQ(mv::NormalizeRealtimeUrl("ws://127.0.0.1:8001/v1/realtime"),
            "ws://127.0.0.1:8001/v1/realtime");
  EXPECT_EQ(mv::NormalizeRealtimeUrl("http://pi.local:8001"), "ws://pi.local:8001/v1/realtime");
  EXPECT_EQ(mv::NormalizeRealtimeUrl("https://box/"), "wss://box/v1/realtime");
  EXPECT_EQ(mv::NormalizeRealtimeUrl("HTTPS://box:8443/v1"), "wss://box:8443/v1/realtime");
  EXPECT_EQ(mv::NormalizeRealtimeUrl("wss://h/v1/realtime?model=x"), "wss://h/v1/realtime?model=x");
  EXPECT_THROW(mv::NormalizeRealtimeUrl("ftp://h"), mv::Error);
  EXPECT_THROW(mv::NormalizeRealtimeUrl("127.0.0.1:8001"), mv::Error);
  EXPECT_THROW(mv::NormalizeRealtimeUrl("ws:///v1/realtime"), mv::Error);
}

TEST(ClientConfig, TurnsDefaultByMode) {
  mv::ClientConfig c;
  EXPECT_EQ(c.EffectiveTurns(), 0);  // microphone: until Ctrl-C
  EXPECT_TRUE(c.uses_microphone());
  c.input_file = "q.wav";
  EXPECT_EQ(c.EffectiveTurns(), 1);
  c.input_file.clear();
  c.texts = {"a", "b", "c"};
  EXPECT_EQ(c.EffectiveTurns(), 3);
  c.turns = 2;
  EXPECT_EQ(c.EffectiveTurns(), 2);
}

TEST(ClientConfig, ValidateRejectsContradictions) {
  auto invalid = [](auto change) {
    mv::ClientConfig c;
    change(c);
    try {
      c.Validate();
    } catch (const mv::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(invalid([](mv::ClientConfig&) {}), "");
  EXPECT_NE(invalid([](mv::ClientConfig& c) {
              c.input_file = "a.wav";
              c.texts = {"x"};
            }).find("--input"),
            std::string::npos);
  EXPECT_NE(invalid([](mv::ClientConfig& c) {
              c.input_file = "a.wav";
              c.turns = 2;
            }).find("--turns"),
            std::string::npos);
  EXPECT_NE(invalid([](mv::ClientConfig& c) { c.vad_threshold = 1.5; }).find("--vad-threshold"),
            std::string::npos);
  EXPECT_NE(invalid([](mv::ClientConfig& c) { c.silence_ms = 5; }).find("--silence-ms"),
            std::string::npos);
  EXPECT_NE(invalid([](mv::ClientConfig& c) {
              c.insecure = true;
              c.ca_file = "ca.pem";
            }).find("--insecure"),
            std::string::npos);
  EXPECT_NE(invalid([](mv::ClientConfig& c) { c.url = "localhost:8001"; }).find("invalid URL"),
            std::string::npos);
}

}  // namespace
