#include "voice/reference-picker.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "speaker-test-data.h"
#include "voice-test-util.h"

namespace mv {
namespace {

AudioBuffer Sentences(const std::vector<std::string>& texts, double pause) {
  AudioBuffer all;
  for (const std::string& t : texts) {
    test::Append(all, test::Speak(test::Flite(), t, "rms"));
    test::Append(all, test::Silence(pause, all.sample_rate));
  }
  return all;
}

TEST(ReferencePickerTest, PicksThreeToTenSecondsOfSpeechFromALongRecording) {
  std::vector<std::string> texts(test::kAssistantSentences.begin(),
                                 test::kAssistantSentences.end());
  AudioBuffer audio = test::Silence(4.0);  // a long silence first: never picked
  test::Append(audio, Sentences(texts, 0.6));
  ASSERT_GT(audio.DurationSeconds(), 25.0);
  const ReferencePick pick = PickReference(AnalyzeSpeech(audio));
  EXPECT_GE(pick.duration(), 3.0);
  EXPECT_LE(pick.duration(), 10.0);
  EXPECT_GE(pick.start_seconds, 3.8);
  EXPECT_GT(pick.voiced_seconds, 0.35 * pick.duration());
}

TEST(ReferencePickerTest, TrimsQuietEdgesOfAShortRecording) {
  AudioBuffer audio = test::Silence(1.5);
  test::Append(audio, Sentences({test::kAssistantSentences[4], test::kAssistantSentences[0]}, 0.3));
  test::Append(audio, test::Silence(1.5));
  const ReferencePick pick = PickReference(AnalyzeSpeech(audio));
  EXPECT_GE(pick.duration(), 3.0);
  EXPECT_GT(pick.start_seconds, 1.2);  // at most ~0.15 s of the leading silence kept
  EXPECT_LT(pick.end_seconds, audio.DurationSeconds() - 1.0);
}

TEST(ReferencePickerTest, RefusesTooShortOrSpeechlessRecordings) {
  try {
    PickReference(AnalyzeSpeech(test::Speak(test::Flite(), "hello there", "slt")));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "too_short") << e.what();
  }
  for (const AudioBuffer& a : {test::Silence(6.0), test::WhiteNoise(6.0)}) {
    try {
      PickReference(AnalyzeSpeech(a));
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "not_enough_speech") << e.what();
    }
  }
}

}  // namespace
}  // namespace mv
