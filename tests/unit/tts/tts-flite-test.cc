#include "tts/tts-flite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <future>

#include "support/test-sentences.h"
#include "tts-test-util.h"

namespace mv {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kLongSentence =
    "The quick brown fox jumps over the lazy dog, and then it runs far away into the forest "
    "where nobody can find it ever again.";

TtsFlite MakeFlite(const std::string& voice = "") {
  TtsConfig config;
  config.engine = "flite";
  config.voice = voice;
  return TtsFlite(config);
}

TEST(TtsFlite, EveryVoiceSpeaksAtItsRate) {
  TtsFlite tts = MakeFlite();
  ASSERT_EQ(tts.Voices(), (std::vector<std::string>{"slt", "rms", "awb", "kal16", "kal"}));
  for (const std::string& voice : tts.Voices()) {
    AudioBuffer audio =
        tts.SynthesizeAll(test::Req("please turn on the lights in the kitchen", "en", voice));
    EXPECT_EQ(audio.sample_rate, TtsFlite::VoiceSampleRate(voice)) << voice;
    // Eight words: about two seconds at a normal speaking rate.
    EXPECT_GT(audio.DurationSeconds(), 1.2) << voice;
    EXPECT_LT(audio.DurationSeconds(), 4.0) << voice;
    EXPECT_GT(test::Rms(audio), 0.01) << voice;
    EXPECT_GT(test::Peak(audio), 0.1) << voice;
    EXPECT_LE(test::Peak(audio), 1.0f) << voice;
  }
  EXPECT_EQ(TtsFlite::VoiceSampleRate("kal"), 8000);
  EXPECT_EQ(TtsFlite::VoiceSampleRate("slt"), 16000);
}

TEST(TtsFlite, StreamsChunksWhileSynthesising) {
  TtsFlite tts = MakeFlite("rms");
  int chunks = 0;
  double first_ms = -1;
  const auto start = Clock::now();
  tts.Synthesize(
      test::Req(kLongSentence, "en", ""), {}, [&](const float*, std::size_t count, int rate) {
        if (chunks++ == 0) {
          first_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        }
        EXPECT_GT(count, 0u);
        EXPECT_EQ(rate, 16000);
        return true;
      });
  const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("flite rms: %d chunks, first after %.1f ms of %.1f ms total\n", chunks, first_ms,
              total_ms);
  EXPECT_GT(chunks, 1);
  EXPECT_LT(first_ms, total_ms);
}

TEST(TtsFlite, CallbackReturningFalseStops) {
  TtsFlite tts = MakeFlite();
  int chunks = 0;
  const Error e = test::CaughtError([&] {
    tts.Synthesize(test::Req(kLongSentence, "", ""), {}, [&](const float*, std::size_t, int) {
      ++chunks;
      return false;
    });
  });
  EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  EXPECT_EQ(chunks, 1);
}

TEST(TtsFlite, CancelTokenStopsMidStream) {
  TtsFlite tts = MakeFlite();
  CancelToken cancel;
  int chunks = 0;
  const Error e = test::CaughtError([&] {
    tts.Synthesize(test::Req(kLongSentence, "", ""), cancel, [&](const float*, std::size_t, int) {
      if (++chunks == 2) cancel.Cancel();
      return true;
    });
  });
  EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  EXPECT_EQ(chunks, 2);

  CancelToken already;
  already.Cancel();
  chunks = 0;
  EXPECT_EQ(test::CaughtError([&] {
              tts.Synthesize(test::Req("hello", "", ""), already,
                             [&](const float*, std::size_t, int) {
                               ++chunks;
                               return true;
                             });
            }).kind(),
            ErrorKind::kCancelled);
  EXPECT_EQ(chunks, 0);
}

TEST(TtsFlite, CallbackExceptionPropagates) {
  TtsFlite tts = MakeFlite();
  EXPECT_THROW(tts.Synthesize(test::Req(kLongSentence, "", ""), {},
                              [](const float*, std::size_t, int) -> bool {
                                throw std::runtime_error("sink closed");
                              }),
               std::runtime_error);
  EXPECT_GT(tts.SynthesizeAll(test::Req("still working", "", "")).samples.size(), 0u);
}

TEST(TtsFlite, UnknownVoiceNamesItAndListsKnownOnes) {
  TtsFlite tts = MakeFlite();
  const Error e = test::CaughtError([&] { tts.SynthesizeAll(test::Req("hello", "en", "bogus")); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("'bogus'"));
  EXPECT_THAT(e.what(), HasSubstr("slt, rms, awb, kal16, kal"));
  EXPECT_EQ(test::CaughtError([] { MakeFlite("bogus"); }).kind(), ErrorKind::kInvalidInput);
}

TEST(TtsFlite, NonEnglishIsUnsupported) {
  TtsFlite tts = MakeFlite();
  EXPECT_EQ(test::CaughtError([&] { tts.SynthesizeAll(test::Req("你好", "zh", "")); }).kind(),
            ErrorKind::kUnsupported);
}

TEST(TtsFlite, EmptyTextGivesNoAudio) {
  TtsFlite tts = MakeFlite();
  EXPECT_TRUE(tts.SynthesizeAll(test::Req("", "en", "")).empty());
  EXPECT_TRUE(tts.SynthesizeAll(test::Req("  \n", "en", "")).empty());
}

// Flite shares each voice between threads without a lock; durations must
// match a single-threaded run exactly (the samples themselves differ run to
// run: flite's clustergen voices draw excitation noise from rand()).
TEST(TtsFlite, ConcurrentSynthesisOnOneVoiceIsSafe) {
  TtsFlite tts = MakeFlite();
  for (const std::string voice : {"slt", "kal16"}) {
    std::vector<std::size_t> expected;
    for (const char* s : test::kAssistantSentences) {
      expected.push_back(tts.SynthesizeAll(test::Req(s, "en", voice)).samples.size());
    }
    std::vector<std::future<int>> workers;
    for (int t = 0; t < 4; ++t) {
      workers.push_back(std::async(std::launch::async, [&, t] {
        int mismatches = 0;
        for (std::size_t i = 0; i < test::kAssistantSentences.size(); ++i) {
          const std::size_t k = (i + 3 * t) % test::kAssistantSentences.size();
          const AudioBuffer audio =
              tts.SynthesizeAll(test::Req(test::kAssistantSentences[k], "en", voice));
          mismatches += audio.samples.size() != expected[k];
        }
        return mismatches;
      }));
    }
    for (auto& w : workers) EXPECT_EQ(w.get(), 0) << voice;
  }
}

}  // namespace
}  // namespace mv
