#include "audio/resampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numbers>

#include "audio-test-util.h"
#include "common/error.h"

namespace mv {
namespace {

AudioBuffer Sine(double freq, int rate, double seconds) {
  AudioBuffer out;
  out.sample_rate = rate;
  out.samples.resize(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < out.samples.size(); ++i) {
    out.samples[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * freq * i / rate));
  }
  return out;
}

// Frequency from sign changes, ignoring the filter's edges.
double MeasureFrequency(const AudioBuffer& audio) {
  const std::size_t margin = audio.sample_rate / 10;
  int crossings = 0;
  for (std::size_t i = margin + 1; i < audio.samples.size() - margin; ++i) {
    if ((audio.samples[i - 1] < 0) != (audio.samples[i] < 0)) ++crossings;
  }
  const double seconds = double(audio.samples.size() - 2 * margin) / audio.sample_rate;
  return crossings / 2.0 / seconds;
}

double SnrDb(const std::vector<float>& reference, const std::vector<float>& test) {
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    signal += double(reference[i]) * reference[i];
    const double d = double(test[i]) - reference[i];
    noise += d * d;
  }
  return 10 * std::log10(signal / noise);
}

TEST(ResamplerTest, SameRateIsACopy) {
  const AudioBuffer& speech = test::Speech();
  const AudioBuffer out = Resample(speech, speech.sample_rate);
  EXPECT_EQ(out.sample_rate, speech.sample_rate);
  EXPECT_EQ(out.samples, speech.samples);
}

TEST(ResamplerTest, LengthFollowsTheRatio) {
  const AudioBuffer& speech = test::Speech();
  for (int rate : {8000, 22050, 24000, 44100, 48000}) {
    const AudioBuffer out = Resample(speech, rate);
    EXPECT_EQ(out.sample_rate, rate);
    EXPECT_NEAR(double(out.samples.size()), speech.samples.size() * double(rate) / 16000, 1.0);
  }
}

TEST(ResamplerTest, RoundTripPreservesSpeech) {
  const AudioBuffer& speech = test::Speech();
  const AudioBuffer back = Resample(Resample(speech, 24000), 16000);
  ASSERT_EQ(back.samples.size(), speech.samples.size());
  const double snr = SnrDb(speech.samples, back.samples);
  std::cout << "[ measured ] 16k->24k->16k SNR " << snr << " dB\n";
  EXPECT_GT(snr, 30.0);
}

TEST(ResamplerTest, SineKeepsItsFrequency) {
  const AudioBuffer sine = Sine(1000, 16000, 1.0);
  for (int rate : {8000, 22050, 44100, 48000}) {
    const AudioBuffer out = Resample(sine, rate);
    EXPECT_NEAR(MeasureFrequency(out), 1000.0, 3.0) << rate;
  }
}

TEST(ResamplerTest, StreamingMatchesBatch) {
  const AudioBuffer& speech = test::Speech();
  for (int rate : {24000, 44100, 8000}) {
    const AudioBuffer batch = Resample(speech, rate);
    Resampler stream(speech.sample_rate, rate);
    std::vector<float> out;
    // Chunks of awkward, changing sizes, like TTS output.
    const std::size_t sizes[] = {1, 7, 160, 3333, 50, 1024};
    std::size_t pos = 0;
    for (int k = 0; pos < speech.samples.size(); ++k) {
      const std::size_t n = std::min(sizes[k % 6], speech.samples.size() - pos);
      const std::vector<float> chunk = stream.Process(speech.samples.data() + pos, n);
      out.insert(out.end(), chunk.begin(), chunk.end());
      pos += n;
    }
    const std::vector<float> tail = stream.Flush();
    out.insert(out.end(), tail.begin(), tail.end());
    ASSERT_NEAR(double(out.size()), double(batch.samples.size()), 1.0) << rate;
    const std::size_t n = std::min(out.size(), batch.samples.size());
    for (std::size_t i = 0; i < n; ++i) ASSERT_NEAR(out[i], batch.samples[i], 1e-4) << i;
  }
}

TEST(ResamplerTest, MovedResamplerKeepsWorking) {
  Resampler a(16000, 48000);
  Resampler b = std::move(a);
  const std::vector<float> in(1600, 0.25f);
  std::vector<float> out = b.Process(in.data(), in.size());
  const std::vector<float> tail = b.Flush();
  EXPECT_NEAR(double(out.size() + tail.size()), 4800.0, 1.0);
}

TEST(ResamplerTest, EmptyAndInvalid) {
  AudioBuffer empty;
  EXPECT_TRUE(Resample(empty, 48000).samples.empty());
  EXPECT_EQ(Resample(empty, 48000).sample_rate, 48000);
  EXPECT_THROW(Resample(test::Speech(), 0), Error);
  EXPECT_THROW(Resampler(16000, -1), Error);
  Resampler r(16000, 24000);
  EXPECT_TRUE(r.Process(nullptr, 0).empty());
}

}  // namespace
}  // namespace mv
