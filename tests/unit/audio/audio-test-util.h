// Shared by the audio tests: real speech from flite, hand-written WAV files
// in every sample format, and similarity measures between two signals.
#pragma once

#include <flite/flite.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "audio/resampler.h"

extern "C" cst_voice* register_cmu_us_slt(const char* voxdir);

namespace mv::test {

// About 3 s of a female voice at 16 kHz, synthesised once per process.
inline const AudioBuffer& Speech() {
  static const AudioBuffer speech = [] {
    flite_init();
    cst_voice* voice = register_cmu_us_slt(nullptr);
    cst_wave* wave = flite_text_to_wave(
        "The quick brown fox jumps over the lazy dog, near the quiet river bank.", voice);
    AudioBuffer out;
    out.sample_rate = wave->sample_rate;
    out.samples.resize(wave->num_samples);
    for (int i = 0; i < wave->num_samples; ++i) out.samples[i] = wave->samples[i] / 32768.0f;
    delete_wave(wave);
    return out;
  }();
  return speech;
}

enum class WavSample { kU8, kS16, kS24, kS32, kF32 };

inline void PutLe(std::string* out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Interleaves `channels` (equal lengths) into a canonical 44-byte-header WAV.
inline std::string MakeWav(const std::vector<std::vector<float>>& channels, int rate,
                           WavSample type) {
  const int bytes = type == WavSample::kU8    ? 1
                    : type == WavSample::kS16 ? 2
                    : type == WavSample::kS24 ? 3
                                              : 4;
  const std::size_t frames = channels[0].size();
  const auto nch = static_cast<std::uint32_t>(channels.size());
  const std::uint64_t data_bytes = frames * nch * bytes;
  std::string wav = "RIFF";
  PutLe(&wav, 36 + data_bytes, 4);
  wav += "WAVEfmt ";
  PutLe(&wav, 16, 4);
  PutLe(&wav, type == WavSample::kF32 ? 3 : 1, 2);  // IEEE float : PCM
  PutLe(&wav, nch, 2);
  PutLe(&wav, rate, 4);
  PutLe(&wav, static_cast<std::uint64_t>(rate) * nch * bytes, 4);
  PutLe(&wav, nch * bytes, 2);
  PutLe(&wav, bytes * 8, 2);
  wav += "data";
  PutLe(&wav, data_bytes, 4);
  for (std::size_t i = 0; i < frames; ++i) {
    for (const auto& ch : channels) {
      const double x = std::clamp(static_cast<double>(ch[i]), -1.0, 1.0);
      switch (type) {
        case WavSample::kU8:  // FFmpeg reads u8 as (v - 128) / 128
          PutLe(&wav, std::min(255L, std::lround(x * 128.0 + 128.0)), 1);
          break;
        case WavSample::kS16:
          PutLe(&wav, static_cast<std::uint16_t>(std::lround(x * 32767)), 2);
          break;
        case WavSample::kS24:
          PutLe(&wav, static_cast<std::uint32_t>(std::lround(x * 8388607)), 3);
          break;
        case WavSample::kS32:
          PutLe(&wav, static_cast<std::uint32_t>(std::llround(x * 2147483647.0)), 4);
          break;
        case WavSample::kF32: {
          const float f = static_cast<float>(x);
          std::uint32_t u;
          std::memcpy(&u, &f, 4);
          PutLe(&wav, u, 4);
          break;
        }
      }
    }
  }
  return wav;
}

// Maximum over lags in [-max_lag, max_lag] of the normalised cross-correlation
// of a and b: 1 for identical signals, whatever the codec's delay.
inline double MaxCorrelation(const std::vector<float>& a, const std::vector<float>& b, int max_lag,
                             int* best_lag = nullptr) {
  double ea = 0, eb = 0;
  for (float x : a) ea += double(x) * x;
  for (float x : b) eb += double(x) * x;
  if (ea == 0 || eb == 0) return 0;
  double best = -1;
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    // sum a[i] * b[i + lag]
    const long begin = std::max(0L, -static_cast<long>(lag));
    const long end = std::min(static_cast<long>(a.size()), static_cast<long>(b.size()) - lag);
    double sum = 0;
    for (long i = begin; i < end; ++i) sum += double(a[i]) * b[i + lag];
    if (sum > best) {
      best = sum;
      if (best_lag) *best_lag = lag;
    }
  }
  return best / std::sqrt(ea * eb);
}

// Similarity of a decoded signal to the reference, at the reference's rate.
inline double Similarity(const AudioBuffer& reference, const AudioBuffer& decoded,
                         int* best_lag = nullptr) {
  const AudioBuffer same_rate = Resample(decoded, reference.sample_rate);
  // 100 ms covers every codec's priming delay.
  return MaxCorrelation(reference.samples, same_rate.samples, reference.sample_rate / 10, best_lag);
}

inline std::vector<float> Scaled(const std::vector<float>& x, float gain) {
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] * gain;
  return out;
}

}  // namespace mv::test
