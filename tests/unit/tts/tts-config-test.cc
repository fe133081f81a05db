#include "tts/tts-config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tts-test-util.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "tts/tts-router.h"
#include "tts/tts.h"

namespace mv {
namespace {

using ::testing::HasSubstr;

std::string Invalid(const TtsConfig& config) {
  const Error e = test::CaughtError([&] { config.Validate(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
  return e.what();
}

TEST(TtsConfig, DefaultsAreValid) {
  TtsConfig config;
  EXPECT_NO_THROW(config.Validate());
  EXPECT_THAT(config.ToString(), HasSubstr("route by language"));
  EXPECT_THAT(config.ToString(), HasSubstr("parallelism=2"));
}

TEST(TtsConfig, MessagesNameTheKey) {
  TtsConfig config;
  config.engine = "festival";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.engine: unknown engine 'festival'"));
  config = {};
  config.parallelism = 0;
  EXPECT_THAT(Invalid(config), HasSubstr("tts.parallelism: must be between 1 and 64"));
  config.parallelism = 65;
  EXPECT_THAT(Invalid(config), HasSubstr("tts.parallelism"));
  config = {};
  config.language = "";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.language"));
  config = {};
  config.engine = "flite";
  config.language = "zh";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.language: flite speaks English only"));
}

TEST(TtsConfig, VoiceMustSuitTheEngine) {
  TtsConfig config;
  config.engine = "flite";
  config.voice = "cmn";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.voice: unknown flite voice 'cmn' (known: slt, rms"));
  config.voice = "kal16";
  EXPECT_NO_THROW(config.Validate());
  config.engine = "espeak";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.voice: unknown espeak-ng voice 'kal16'"));
  config.voice = "cmn";
  EXPECT_NO_THROW(config.Validate());
  config.engine = "";
  config.voice = "rms";
  EXPECT_NO_THROW(config.Validate());
  config.voice = "nope";
  EXPECT_THAT(Invalid(config), HasSubstr("tts.voice: unknown voice 'nope'"));
}

TEST(TtsFactory, PicksEngineByName) {
  TtsConfig config;
  config.engine = "flite";
  EXPECT_NE(dynamic_cast<TtsFlite*>(CreateTts(config).get()), nullptr);
  config.engine = "espeak";
  EXPECT_NE(dynamic_cast<TtsEspeak*>(CreateTts(config).get()), nullptr);
  config.engine = "";
  EXPECT_NE(dynamic_cast<TtsRouter*>(CreateTts(config).get()), nullptr);
}

TEST(TtsFactory, UnknownEngineNamesKeyAndKnownValues) {
  TtsConfig config;
  config.engine = "x";
  const Error e = test::CaughtError([&] { CreateTts(config); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("tts.engine: unknown engine 'x'"));
  EXPECT_THAT(e.what(), HasSubstr("flite"));
  EXPECT_THAT(e.what(), HasSubstr("espeak"));
  config = {};
  config.voice = "bogus";
  EXPECT_THAT(test::CaughtError([&] { CreateTts(config); }).what(), HasSubstr("tts.voice"));
}

TEST(TtsSynthesizeAll, KeepsTheEngineRate) {
  TtsConfig config;
  config.engine = "flite";
  config.voice = "kal";
  AudioBuffer audio = CreateTts(config)->SynthesizeAll(test::Req("hello world", "", ""));
  EXPECT_EQ(audio.sample_rate, 8000);
  EXPECT_GT(audio.DurationSeconds(), 0.3);
}

}  // namespace
}  // namespace mv
