#include "voice/voice-shifter.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "voice-test-util.h"
#include "voice/pitch-estimator.h"
#include "voice/voice-profile.h"

namespace mv {
namespace {

const std::vector<double> kNeutral = {500.0, 1500.0, 2500.0};

// Streams `in` through a VoiceShifter in chunks of the given sizes (cycled).
AudioBuffer Stream(const AudioBuffer& in, double semitones, std::vector<std::size_t> chunks,
                   double formant_scale = 1.0) {
  VoiceShifter shifter(in.sample_rate, semitones, formant_scale);
  AudioBuffer out;
  out.sample_rate = in.sample_rate;
  std::size_t at = 0;
  for (std::size_t i = 0; at < in.samples.size(); ++i) {
    const std::size_t n = std::min(chunks[i % chunks.size()], in.samples.size() - at);
    const std::vector<float> part = shifter.Process(in.samples.data() + at, n);
    out.samples.insert(out.samples.end(), part.begin(), part.end());
    at += n;
  }
  const std::vector<float> tail = shifter.Flush();
  out.samples.insert(out.samples.end(), tail.begin(), tail.end());
  return out;
}

double MedianF0(const AudioBuffer& audio) { return PitchEstimator().Estimate(audio).median_f0; }

// Time of the first sample whose magnitude exceeds 10% of the peak.
double Onset(const AudioBuffer& audio) {
  float peak = 0.0f;
  for (float s : audio.samples) peak = std::max(peak, std::abs(s));
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    if (std::abs(audio.samples[i]) > 0.1f * peak) return static_cast<double>(i) / audio.sample_rate;
  }
  return -1.0;
}

TEST(VoiceShifter, ShiftsPitchBySemitones) {
  const AudioBuffer vowel = test::Vowel(150.0, kNeutral, 1.5);
  for (double st : {-5.0, -2.0, 3.0, 6.0}) {
    const double expected = 150.0 * std::pow(2.0, st / 12.0);
    EXPECT_NEAR(MedianF0(ShiftVoice(vowel, st)), expected, 0.03 * expected) << st << " offline";
    EXPECT_NEAR(MedianF0(Stream(vowel, st, {1024})), expected, 0.03 * expected)
        << st << " streaming";
  }
}

TEST(VoiceShifter, StreamingKeepsLengthWhateverTheChunking) {
  const AudioBuffer vowel = test::Vowel(180.0, kNeutral, 1.0, 22050);
  const AudioBuffer offline = ShiftVoice(vowel, 4.0);
  EXPECT_EQ(offline.samples.size(), vowel.samples.size());
  EXPECT_EQ(offline.sample_rate, 22050);
  for (const auto& chunks :
       std::vector<std::vector<std::size_t>>{{1}, {77, 3001, 5}, {160}, {4096}, {100000}}) {
    const AudioBuffer streamed = Stream(vowel, 4.0, chunks);
    EXPECT_EQ(streamed.samples.size(), vowel.samples.size()) << "first chunk " << chunks[0];
    EXPECT_NEAR(MedianF0(streamed), MedianF0(offline), 0.02 * MedianF0(offline));
  }
}

TEST(VoiceShifter, OutputStaysAlignedWithInput) {
  AudioBuffer audio = test::Silence(0.5);
  test::Append(audio, test::Vowel(140.0, kNeutral, 1.0));
  test::Append(audio, test::Silence(0.5));
  EXPECT_NEAR(Onset(Stream(audio, -3.0, {512})), 0.5, 0.02);
  EXPECT_NEAR(Onset(ShiftVoice(audio, -3.0)), 0.5, 0.02);
}

TEST(VoiceShifter, FirstOutputComesWithinAFewBlocks) {
  const AudioBuffer vowel = test::Vowel(140.0, kNeutral, 1.0);
  VoiceShifter shifter(16000, 3.0);
  std::size_t fed = 0, out = 0;
  while (out == 0 && fed < vowel.samples.size()) {
    out += shifter.Process(vowel.samples.data() + fed, 320).size();
    fed += 320;
  }
  EXPECT_GT(out, 0u);
  EXPECT_LE(fed, 16000u * 2 / 10);  // streaming, not buffering the segment
}

TEST(VoiceShifter, NoShiftPassesAudioThrough) {
  const AudioBuffer vowel = test::Vowel(140.0, kNeutral, 0.5);
  VoiceShifter shifter(16000, 0.0);
  EXPECT_TRUE(shifter.passthrough());
  EXPECT_EQ(shifter.Process(vowel.samples.data(), vowel.samples.size()), vowel.samples);
  EXPECT_TRUE(shifter.Flush().empty());
  EXPECT_EQ(ShiftVoice(vowel, 0.0).samples, vowel.samples);
  EXPECT_FALSE(VoiceShifter(16000, 1.0).passthrough());
}

TEST(VoiceShifter, EmptyStreamFlushesNothing) {
  VoiceShifter shifter(16000, 2.0);
  EXPECT_TRUE(shifter.Process(nullptr, 0).empty());
  EXPECT_TRUE(shifter.Flush().empty());
  EXPECT_TRUE(ShiftVoice(AudioBuffer{}, 2.0).samples.empty());
}

TEST(VoiceShifter, RejectsBadArguments) {
  EXPECT_THROW(VoiceShifter(0, 1.0), Error);
  EXPECT_THROW(VoiceShifter(16000, 30.0), Error);
  EXPECT_THROW(VoiceShifter(16000, NAN), Error);
  EXPECT_THROW(VoiceShifter(16000, 1.0, 3.0), Error);
}

TEST(VoiceShifter, PreservesFormantsUnlessAskedToScaleThem) {
  const AudioBuffer vowel = test::Vowel(120.0, kNeutral, 1.5);
  const double before = EstimateVoiceProfile(vowel).vocal_tract_scale;
  ASSERT_GT(before, 0.0);
  const VoiceProfile up = EstimateVoiceProfile(ShiftVoice(vowel, 4.0));
  EXPECT_NEAR(up.vocal_tract_scale / before, 1.0, 0.05);
  const VoiceProfile scaled = EstimateVoiceProfile(Stream(vowel, 0.0, {1024}, 1.12));
  EXPECT_NEAR(scaled.vocal_tract_scale / before, 1.12, 0.05);
  EXPECT_NEAR(scaled.median_f0, 120.0, 3.6);
}

}  // namespace
}  // namespace mv
