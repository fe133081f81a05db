#include "audio/time-stretcher.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "common/error.h"

namespace mv {
namespace {

constexpr int kRate = 24000;

std::vector<float> Tone(double hz, double seconds) {
  std::vector<float> out(static_cast<std::size_t>(seconds * kRate));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * hz * i / kRate));
  return out;
}

// In uneven chunks, as TTS delivers audio.
std::vector<float> Stretch(const std::vector<float>& in, double speed) {
  TimeStretcher s(kRate, speed);
  std::vector<float> out;
  std::size_t at = 0, chunk = 700;
  while (at < in.size()) {
    const std::size_t n = std::min(chunk, in.size() - at);
    const auto part = s.Process(in.data() + at, n);
    out.insert(out.end(), part.begin(), part.end());
    at += n;
    chunk = chunk == 700 ? 3001 : 700;
  }
  const auto tail = s.Flush();
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

// Frequency from upward zero crossings in the middle half (edges ramp).
double Frequency(const std::vector<float>& x) {
  const std::size_t begin = x.size() / 4, end = 3 * x.size() / 4;
  int crossings = 0;
  for (std::size_t i = begin + 1; i < end; ++i) crossings += x[i - 1] < 0 && x[i] >= 0;
  return crossings * static_cast<double>(kRate) / static_cast<double>(end - begin);
}

double Rms(const std::vector<float>& x, std::size_t begin, std::size_t end) {
  double sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += x[i] * x[i];
  return std::sqrt(sum / static_cast<double>(end - begin));
}

TEST(TimeStretcherTest, ChangesDurationKeepsPitch) {
  const auto tone = Tone(440.0, 2.0);
  for (double speed : {0.5, 0.8, 1.5, 2.0, 4.0}) {
    const auto out = Stretch(tone, speed);
    EXPECT_EQ(out.size(), static_cast<std::size_t>(std::llround(tone.size() / speed))) << speed;
    EXPECT_NEAR(Frequency(out), 440.0, 10.0) << speed;
    // Sound throughout, not silence padding.
    EXPECT_GT(Rms(out, out.size() / 4, 3 * out.size() / 4), 0.2) << speed;
  }
}

TEST(TimeStretcherTest, SpeedOnePassesThrough) {
  const auto tone = Tone(300.0, 0.5);
  TimeStretcher s(kRate, 1.0);
  EXPECT_TRUE(s.passthrough());
  EXPECT_EQ(s.Process(tone.data(), tone.size()), tone);
  EXPECT_TRUE(s.Flush().empty());
}

TEST(TimeStretcherTest, RejectsBadArguments) {
  EXPECT_THROW(TimeStretcher(0, 1.0), Error);
  EXPECT_THROW(TimeStretcher(kRate, 0.2), Error);
  EXPECT_THROW(TimeStretcher(kRate, 4.5), Error);
  EXPECT_THROW(TimeStretcher(kRate, std::nan("")), Error);
}

}  // namespace
}  // namespace mv
