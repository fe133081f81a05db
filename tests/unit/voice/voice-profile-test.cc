#include "voice/voice-profile.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "voice-test-util.h"
#include "voice/formant-estimator.h"

namespace mv {
namespace {

void ExpectNotEnoughSpeech(const AudioBuffer& audio) {
  try {
    EstimateVoiceProfile(audio);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(e.code(), "not_enough_speech");
  }
}

TEST(VoiceProfile, SilenceNoiseAndTooShortAreNotEnoughSpeech) {
  ExpectNotEnoughSpeech(AudioBuffer{});
  ExpectNotEnoughSpeech(test::Silence(2.0));
  ExpectNotEnoughSpeech(test::WhiteNoise(2.0));
  ExpectNotEnoughSpeech(test::WhiteNoise(2.0, 0.01));
  ExpectNotEnoughSpeech(test::Vowel(120.0, {500.0, 1500.0, 2500.0}, 0.2));
}

TEST(FormantEstimator, FindsTheFormantsOfASyntheticVowel) {
  const AudioBuffer vowel = test::Vowel(110.0, {500.0, 1500.0, 2500.0}, 1.0);
  const PitchTrack track = PitchEstimator().Estimate(vowel);
  const Formants f = FormantEstimator().Estimate(vowel, track);
  ASSERT_TRUE(f.valid());
  EXPECT_GT(f.frames, 50);
  EXPECT_NEAR(f.f1, 500.0, 40.0);
  EXPECT_NEAR(f.f2, 1500.0, 75.0);
  EXPECT_NEAR(f.f3, 2500.0, 125.0);
  EXPECT_NEAR(f.Dispersion(), 500.0, 25.0);
}

TEST(VoiceProfile, TractScaleFollowsFormantSpacing) {
  // A 17.5 cm neutral tube (500/1500/2500 Hz) and one 1.2x shorter.
  const VoiceProfile neutral =
      EstimateVoiceProfile(test::Vowel(110.0, {500.0, 1500.0, 2500.0}, 1.0));
  const VoiceProfile shorter =
      EstimateVoiceProfile(test::Vowel(110.0, {600.0, 1800.0, 3000.0}, 1.0));
  EXPECT_NEAR(neutral.vocal_tract_scale, 1.0, 0.05);
  EXPECT_NEAR(shorter.vocal_tract_scale / neutral.vocal_tract_scale, 1.2, 0.05);
  EXPECT_NEAR(neutral.median_f0, 110.0, 3.3);
  EXPECT_GT(neutral.voiced_seconds, 0.9);
}

TEST(VoiceProfile, PureToneHasNoTractScale) {
  const VoiceProfile tone = EstimateVoiceProfile(test::Sine(150.0, 1.0));
  EXPECT_NEAR(tone.median_f0, 150.0, 4.5);
  EXPECT_EQ(tone.vocal_tract_scale, 0.0);  // unknown: matching then goes by F0 alone
}

TEST(VoiceProfile, FliteFemaleHasHigherF0AndShorterTract) {
  const std::string text = "Could you tell me how to get to the library from here, please?";
  const VoiceProfile slt = EstimateVoiceProfile(test::Speak(test::Flite(), text, "slt"));
  const VoiceProfile rms = EstimateVoiceProfile(test::Speak(test::Flite(), text, "rms"));
  const VoiceProfile awb = EstimateVoiceProfile(test::Speak(test::Flite(), text, "awb"));
  // Measured on other sentences: slt 1.13-1.30, rms and awb 0.93-1.11.
  EXPECT_GT(slt.vocal_tract_scale, 1.08);
  EXPECT_GT(slt.vocal_tract_scale, 1.08 * rms.vocal_tract_scale);
  EXPECT_GT(slt.vocal_tract_scale, 1.08 * awb.vocal_tract_scale);
  EXPECT_GT(slt.median_f0, awb.median_f0);
  EXPECT_GT(awb.median_f0, rms.median_f0);
  EXPECT_GT(rms.voiced_seconds, 1.0);
  EXPECT_NE(slt.ToString().find("f0="), std::string::npos);
}

TEST(VoiceProfile, MinimumVoicedSecondsIsConfigurable) {
  VoiceProfileOptions options;
  options.min_voiced_seconds = 2.0;
  EXPECT_THROW(EstimateVoiceProfile(test::Sine(150.0, 1.0), options), Error);
  options.min_voiced_seconds = 0.0;
  EXPECT_THROW(EstimateVoiceProfile(test::Sine(150.0, 1.0), options), Error);  // invalid option
}

}  // namespace
}  // namespace mv
