// The echo canceller removes a delayed, attenuated copy of what was played
// and keeps speech the far end did not play.
#include "client/echo-canceller.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "common/error.h"

namespace {

constexpr int kRate = 16000;

// Speech-like far-end signal: harmonics of a wobbling pitch, syllable-gated.
std::vector<float> Voice(double seconds, double f0, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.01f);
  std::vector<float> out(static_cast<std::size_t>(seconds * kRate));
  double phase = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    double t = static_cast<double>(i) / kRate;
    double f = f0 * (1.0 + 0.1 * std::sin(2 * M_PI * 3 * t));
    phase += 2 * M_PI * f / kRate;
    double gate = 0.5 + 0.5 * std::sin(2 * M_PI * 4 * t);
    double v = 0;
    for (int h = 1; h <= 8; ++h) v += std::sin(h * phase) / h;
    out[i] = static_cast<float>(0.2 * gate * v) + noise(rng);
  }
  return out;
}

double Energy(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double e = 0;
  for (std::size_t i = from; i < to; ++i) e += static_cast<double>(x[i]) * x[i];
  return e / static_cast<double>(to - from) + 1e-12;
}

// Runs far + near through the canceller with the echo `delay` samples late.
std::vector<float> Cancel(const std::vector<float>& far, const std::vector<float>& local,
                          std::size_t delay, float echo_gain) {
  mv::EchoCanceller aec(kRate);
  aec.set_delay_ms(static_cast<int>(delay * 1000 / kRate));
  std::vector<float> out(far.size());
  const std::size_t frame = aec.frame_samples();
  for (std::size_t at = 0; at + frame <= far.size(); at += frame) {
    std::vector<float> mic(frame);
    for (std::size_t i = 0; i < frame; ++i) {
      std::size_t n = at + i;
      mic[i] = local[n] + (n >= delay ? echo_gain * far[n - delay] : 0.0f);
    }
    aec.AnalyzeFarEnd(&far[at]);
    aec.ProcessNearEnd(mic.data());
    std::copy(mic.begin(), mic.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return out;
}

TEST(EchoCanceller, RemovesTheSpeakersEcho) {
  std::vector<float> far = Voice(6.0, 140, 1);
  std::vector<float> silence(far.size(), 0.0f);
  const std::size_t delay = kRate * 40 / 1000;
  std::vector<float> out = Cancel(far, silence, delay, 0.5f);
  // After convergence (last 2 s), compare with the echo that reached the mic.
  std::vector<float> echo(far.size(), 0.0f);
  for (std::size_t i = delay; i < far.size(); ++i) echo[i] = 0.5f * far[i - delay];
  double erle_db =
      10 * std::log10(Energy(echo, 4 * kRate, 6 * kRate) / Energy(out, 4 * kRate, 6 * kRate));
  EXPECT_GT(erle_db, 15.0);
}

TEST(EchoCanceller, KeepsLocalSpeechWhenNothingPlays) {
  std::vector<float> far(6 * kRate, 0.0f);
  std::vector<float> local = Voice(6.0, 220, 2);
  std::vector<float> out = Cancel(far, local, 0, 0.0f);
  double kept_db =
      10 * std::log10(Energy(out, 2 * kRate, 6 * kRate) / Energy(local, 2 * kRate, 6 * kRate));
  EXPECT_GT(kept_db, -6.0);
}

TEST(EchoCanceller, RejectsRatesTheApmLacks) {
  EXPECT_THROW(mv::EchoCanceller(44100), mv::Error);
  EXPECT_TRUE(mv::EchoCanceller::SupportsRate(48000));
}

}  // namespace
