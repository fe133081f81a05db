#include "tts/tts-router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tts-test-util.h"

namespace mv {
namespace {

using ::testing::Contains;

TtsRouter MakeRouter(const std::string& language = "en", const std::string& voice = "") {
  TtsConfig config;
  config.language = language;
  config.voice = voice;
  return TtsRouter(config);
}

TEST(TtsRouter, EnglishToFliteEverythingElseToEspeak) {
  TtsRouter tts = MakeRouter();
  EXPECT_EQ(tts.EngineFor(test::Req("hello", "", "")), "flite");
  EXPECT_EQ(tts.EngineFor(test::Req("hello", "en-US", "")), "flite");
  EXPECT_EQ(tts.EngineFor(test::Req("你好", "zh", "")), "espeak");
  EXPECT_EQ(tts.EngineFor(test::Req("hallo", "de", "")), "espeak");
  // The voice names the engine.
  EXPECT_EQ(tts.EngineFor(test::Req("hello", "zh", "rms")), "flite");
  EXPECT_EQ(tts.EngineFor(test::Req("hello", "en", "en-us")), "espeak");

  // flite voices run at 16 kHz, espeak-ng at 22.05 kHz.
  AudioBuffer english = tts.SynthesizeAll(test::Req("turn off the television", "en", ""));
  EXPECT_EQ(english.sample_rate, 16000);
  EXPECT_GT(test::Rms(english), 0.01);
  AudioBuffer chinese = tts.SynthesizeAll(test::Req("你好，今天天气很好。", "zh", ""));
  EXPECT_EQ(chinese.sample_rate, 22050);
  EXPECT_GT(test::Rms(chinese), 0.01);
  EXPECT_EQ(tts.SynthesizeAll(test::Req("hello", "zh", "kal")).sample_rate, 8000);
}

TEST(TtsRouter, ConfiguredVoiceAppliesToItsOwnEngine) {
  TtsRouter chinese = MakeRouter("zh", "cmn");
  EXPECT_EQ(chinese.EngineFor(test::Req("你好", "", "")), "espeak");
  EXPECT_EQ(chinese.EngineFor(test::Req("hello", "en", "")), "flite");

  TtsRouter rms = MakeRouter("en", "rms");
  EXPECT_EQ(rms.EngineFor(test::Req("hello", "", "")), "flite");
  EXPECT_EQ(rms.EngineFor(test::Req("你好", "zh", "")), "espeak");
  EXPECT_EQ(rms.SynthesizeAll(test::Req("你好", "zh", "")).sample_rate, 22050);

  TtsRouter espeak_english = MakeRouter("en", "en-us");
  EXPECT_EQ(espeak_english.EngineFor(test::Req("hello", "", "")), "espeak");
}

TEST(TtsRouter, ListsBothEnginesVoicesAndRejectsUnknownOnes) {
  TtsRouter tts = MakeRouter();
  EXPECT_THAT(tts.Voices(), Contains("slt"));
  EXPECT_THAT(tts.Voices(), Contains("cmn"));
  EXPECT_EQ(test::CaughtError([] { MakeRouter("en", "bogus"); }).kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(test::CaughtError([&] { tts.SynthesizeAll(test::Req("hello", "en", "bogus")); }).kind(),
            ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace mv
