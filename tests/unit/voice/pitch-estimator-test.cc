#include "voice/pitch-estimator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "audio/resampler.h"
#include "common/error.h"
#include "voice-test-util.h"

namespace mv {
namespace {

class SyntheticPitch : public ::testing::TestWithParam<double> {};

TEST_P(SyntheticPitch, SineWithin3Percent) {
  const double hz = GetParam();
  const PitchTrack track = PitchEstimator().Estimate(test::Sine(hz, 1.0));
  EXPECT_NEAR(track.median_f0, hz, 0.03 * hz);
  EXPECT_GT(track.voiced_fraction, 0.9);
  for (const PitchFrame& f : track.frames) {
    if (f.voiced) {
      EXPECT_NEAR(f.f0, hz, 0.03 * hz) << "at " << f.time_seconds << " s";
    }
  }
}

TEST_P(SyntheticPitch, PulseTrainWithin3Percent) {
  const double hz = GetParam();
  const PitchTrack track = PitchEstimator().Estimate(test::PulseTrain(hz, 1.0));
  EXPECT_NEAR(track.median_f0, hz, 0.03 * hz);
  EXPECT_GT(track.voiced_fraction, 0.9);
}

TEST_P(SyntheticPitch, VowelWithin3Percent) {
  // Formants make the harmonics near F1/F2 dominate: the classic octave trap.
  const double hz = GetParam();
  const PitchTrack track =
      PitchEstimator().Estimate(test::Vowel(hz, {hz * 2.0 + 60.0, 1200.0, 2500.0}, 1.0));
  EXPECT_NEAR(track.median_f0, hz, 0.03 * hz);
  EXPECT_GT(track.voiced_fraction, 0.9);
}

INSTANTIATE_TEST_SUITE_P(Frequencies, SyntheticPitch,
                         ::testing::Values(100.0, 150.0, 220.0, 300.0));

// Harmonics 1..3 at the given amplitudes.
AudioBuffer Harmonics(double hz, double seconds, double h1, double h2, double h3) {
  AudioBuffer out = test::Silence(seconds);
  for (std::size_t i = 0; i < out.samples.size(); ++i) {
    const double phase = 2.0 * std::numbers::pi * hz * static_cast<double>(i) / out.sample_rate;
    out.samples[i] = static_cast<float>(
        0.3 * (h1 * std::sin(phase) + h2 * std::sin(2 * phase) + h3 * std::sin(3 * phase)));
  }
  return out;
}

TEST(PitchEstimator, OctaveGuardFixesWeakFundamentalFrames) {
  // 0.3 s where the second harmonic dwarfs the fundamental: plain YIN takes
  // half the period there. The utterance median pulls those frames back.
  AudioBuffer audio = Harmonics(120.0, 0.7, 1.0, 0.5, 0.3);
  test::Append(audio, Harmonics(120.0, 0.3, 0.05, 1.0, 0.0));
  const PitchTrack track = PitchEstimator().Estimate(audio);
  EXPECT_GT(track.voiced_fraction, 0.9);
  int high = 0;
  for (const PitchFrame& f : track.frames) {
    if (f.voiced && f.f0 > 180.0) ++high;
  }
  EXPECT_EQ(high, 0);
  EXPECT_NEAR(track.median_f0, 120.0, 3.6);
}

TEST(PitchEstimator, OtherRatesAreResampled) {
  EXPECT_NEAR(PitchEstimator().Estimate(test::Sine(180.0, 1.0, 22050)).median_f0, 180.0, 5.4);
  EXPECT_NEAR(PitchEstimator().Estimate(test::Sine(180.0, 1.0, 8000)).median_f0, 180.0, 5.4);
}

TEST(PitchEstimator, FrameTimingFollowsHop) {
  const PitchTrack track = PitchEstimator().Estimate(test::Sine(200.0, 1.0));
  ASSERT_GT(track.frames.size(), 90u);
  EXPECT_DOUBLE_EQ(track.hop_seconds, 0.01);
  EXPECT_NEAR(track.frames[1].time_seconds - track.frames[0].time_seconds, 0.01, 1e-9);
  EXPECT_NEAR(track.frames[0].time_seconds, 0.02, 1e-9);  // centre of the first 40 ms frame
}

TEST(PitchEstimator, SilenceAndNoiseAreUnvoiced) {
  const PitchTrack silence = PitchEstimator().Estimate(test::Silence(1.0));
  EXPECT_EQ(silence.median_f0, 0.0);
  EXPECT_EQ(silence.voiced_fraction, 0.0);
  const PitchTrack noise = PitchEstimator().Estimate(test::WhiteNoise(1.0));
  EXPECT_LT(noise.voiced_fraction, 0.05);
}

TEST(PitchEstimator, QuietTailIsUnvoicedByEnergy) {
  // A loud tone then the same tone 50 dB down: periodic, but too quiet.
  AudioBuffer audio = test::Sine(150.0, 0.5);
  const AudioBuffer quiet = test::Sine(150.0, 0.5, 16000, 0.5 * std::pow(10.0, -50.0 / 20.0));
  test::Append(audio, quiet);
  const PitchTrack track = PitchEstimator().Estimate(audio);
  EXPECT_NEAR(track.voiced_fraction, 0.5, 0.06);
}

TEST(PitchEstimator, TooShortGivesNoFrames) {
  const PitchTrack track = PitchEstimator().Estimate(test::Sine(150.0, 0.02));
  EXPECT_TRUE(track.frames.empty());
  EXPECT_EQ(track.median_f0, 0.0);
}

TEST(PitchEstimator, OutOfRangeIsNotVoiced) {
  EXPECT_LT(PitchEstimator().Estimate(test::Sine(40.0, 1.0)).voiced_fraction, 0.05);
  // 900 Hz: the lag search only sees its subharmonics; none is confidently voiced at 900.
  const PitchTrack high = PitchEstimator().Estimate(test::Sine(900.0, 1.0));
  for (const PitchFrame& f : high.frames) {
    if (f.voiced) {
      EXPECT_LE(f.f0, 515.0);
    }
  }
}

TEST(PitchEstimator, RejectsBadOptions) {
  PitchOptions o;
  o.min_f0 = 300.0;
  o.max_f0 = 200.0;
  EXPECT_THROW(PitchEstimator{o}, Error);
  o = PitchOptions{};
  o.frame_seconds = 0.01;  // shorter than 1.5 periods of 60 Hz
  EXPECT_THROW(PitchEstimator{o}, Error);
}

TEST(PitchEstimator, FliteFemaleAboveMale) {
  const std::string text = "I will meet you at the station at half past nine tomorrow morning.";
  const PitchTrack slt = PitchEstimator().Estimate(test::Speak(test::Flite(), text, "slt"));
  const PitchTrack rms = PitchEstimator().Estimate(test::Speak(test::Flite(), text, "rms"));
  // Measured: slt ~170 Hz, rms ~100 Hz.
  EXPECT_GT(slt.median_f0, 140.0);
  EXPECT_LT(slt.median_f0, 220.0);
  EXPECT_GT(rms.median_f0, 80.0);
  EXPECT_LT(rms.median_f0, 125.0);
  EXPECT_GT(slt.median_f0, 1.4 * rms.median_f0);
  EXPECT_GT(slt.voiced_fraction, 0.3);
  EXPECT_GT(rms.voiced_fraction, 0.3);
}

}  // namespace
}  // namespace mv
