#include "tts/tts-espeak.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "tts-test-util.h"

namespace mv {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr const char* kChinese = "你好，今天天气很好。";

TtsEspeak MakeEspeak(const std::string& language = "zh", const std::string& voice = "") {
  TtsConfig config;
  config.engine = "espeak";
  config.language = language;
  config.voice = voice;
  return TtsEspeak(config);
}

TEST(TtsEspeak, SpeaksMandarinWithCmn) {
  TtsEspeak tts = MakeEspeak();
  AudioBuffer audio = tts.SynthesizeAll(test::Req(kChinese, "", ""));
  EXPECT_EQ(audio.sample_rate, 22050);
  EXPECT_EQ(TtsEspeak::SampleRate(), 22050);
  // Nine syllables.
  EXPECT_GT(audio.DurationSeconds(), 1.0);
  EXPECT_LT(audio.DurationSeconds(), 6.0);
  EXPECT_GT(test::Rms(audio), 0.01);
  // Naming the voice gives the same speech (espeak-ng carries a little state
  // between calls, so lengths vary by a few ms).
  EXPECT_TRUE(test::SameLength(tts.SynthesizeAll(test::Req(kChinese, "", "cmn")), audio));
}

TEST(TtsEspeak, VoicesAndLanguages) {
  const std::vector<std::string>& voices = TtsEspeak::KnownVoices();
  for (const char* v : {"cmn", "en", "en-us", "de", "yue"}) EXPECT_THAT(voices, Contains(v));
  EXPECT_TRUE(TtsEspeak::IsVoice("EN-US"));
  EXPECT_TRUE(TtsEspeak::IsVoice("sit/cmn"));
  EXPECT_TRUE(TtsEspeak::IsVoice("en+f3"));
  EXPECT_FALSE(TtsEspeak::IsVoice("bogus"));
  EXPECT_EQ(TtsEspeak::VoiceForLanguage("zh"), "cmn");
  EXPECT_EQ(TtsEspeak::VoiceForLanguage("zh-CN"), "cmn");
  EXPECT_EQ(TtsEspeak::VoiceForLanguage("en_US"), "en-us");
  EXPECT_EQ(TtsEspeak::VoiceForLanguage("de"), "de");
  EXPECT_EQ(TtsEspeak::VoiceForLanguage("xx"), "");
}

TEST(TtsEspeak, RequestLanguagePicksTheVoice) {
  TtsEspeak tts = MakeEspeak("zh", "cmn");
  EXPECT_GT(test::Rms(tts.SynthesizeAll(test::Req("Guten Morgen, wie geht es dir?", "de", ""))),
            0.01);
  EXPECT_GT(test::Rms(tts.SynthesizeAll(test::Req("Good morning", "", "en-us"))), 0.01);
  EXPECT_EQ(test::CaughtError([&] { tts.SynthesizeAll(test::Req("hello", "xx", "")); }).kind(),
            ErrorKind::kUnsupported);
}

TEST(TtsEspeak, StreamsAndStopsWhenCallbackReturnsFalse) {
  TtsEspeak tts = MakeEspeak();
  int chunks = 0;
  tts.Synthesize(test::Req(kChinese, "", ""), {}, [&](const float*, std::size_t count, int rate) {
    EXPECT_EQ(rate, 22050);
    ++chunks;
    return true;
  });
  EXPECT_GT(chunks, 1);

  int stopped_chunks = 0;
  EXPECT_EQ(test::CaughtError([&] {
              tts.Synthesize(test::Req(kChinese, "", ""), {}, [&](const float*, std::size_t, int) {
                ++stopped_chunks;
                return false;
              });
            }).kind(),
            ErrorKind::kCancelled);
  EXPECT_EQ(stopped_chunks, 1);
  // The library recovers from the aborted synthesis.
  EXPECT_GT(test::Rms(tts.SynthesizeAll(test::Req(kChinese, "", ""))), 0.01);

  CancelToken cancel;
  cancel.Cancel();
  EXPECT_EQ(
      test::CaughtError([&] { tts.SynthesizeAll(test::Req(kChinese, "", ""), cancel); }).kind(),
      ErrorKind::kCancelled);
}

// Chunks are delivered after the library lock is released: a consumer may
// call back into TTS without deadlocking.
TEST(TtsEspeak, CallbackMayUseEspeakAgain) {
  TtsEspeak tts = MakeEspeak();
  std::size_t nested = 0;
  tts.Synthesize(test::Req(kChinese), {}, [&](const float*, std::size_t, int) {
    if (nested == 0) nested = tts.SynthesizeAll(test::Req("hello", "en")).samples.size();
    return true;
  });
  EXPECT_GT(nested, 0u);
}

TEST(TtsEspeak, UnknownVoiceNamesItAndListsKnownOnes) {
  TtsEspeak tts = MakeEspeak();
  const Error e = test::CaughtError([&] { tts.SynthesizeAll(test::Req("hello", "", "bogus")); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("'bogus'"));
  EXPECT_THAT(e.what(), HasSubstr("cmn"));
  EXPECT_EQ(test::CaughtError([] { MakeEspeak("zh", "bogus"); }).kind(), ErrorKind::kInvalidInput);
}

// espeak-ng is serialised internally: concurrent callers queue, each gets
// its own complete audio (interleaving would halve or double lengths).
TEST(TtsEspeak, ConcurrentCallersAreSerialised) {
  TtsEspeak tts = MakeEspeak();
  const AudioBuffer zh = tts.SynthesizeAll(test::Req(kChinese, "zh", ""));
  const AudioBuffer en = tts.SynthesizeAll(test::Req("turn off the television", "en", ""));
  std::vector<std::future<bool>> workers;
  for (int t = 0; t < 4; ++t) {
    workers.push_back(std::async(std::launch::async, [&, t] {
      bool ok = true;
      for (int i = 0; i < 4; ++i) {
        const bool chinese = (i + t) % 2 == 0;
        const AudioBuffer audio = tts.SynthesizeAll(
            test::Req(chinese ? kChinese : "turn off the television", chinese ? "zh" : "en"));
        ok = ok && test::SameLength(audio, chinese ? zh : en);
      }
      return ok;
    }));
  }
  for (auto& w : workers) EXPECT_TRUE(w.get());
}

}  // namespace
}  // namespace mv
