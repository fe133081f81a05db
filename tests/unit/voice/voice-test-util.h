// Signals and engines shared by the voice tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "asr/asr.h"
#include "audio/audio-buffer.h"
#include "support/tts-request.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"

namespace mv::test {

inline AudioBuffer Sine(double hz, double seconds, int rate = 16000, double amplitude = 0.5) {
  AudioBuffer out;
  out.sample_rate = rate;
  out.samples.resize(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < out.samples.size(); ++i) {
    out.samples[i] =
        static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * hz * i / rate));
  }
  return out;
}

// Glottal-like excitation: a band-limited pulse train (equal-amplitude
// harmonics up to 4 kHz), exactly periodic whatever the rate.
inline AudioBuffer PulseTrain(double hz, double seconds, int rate = 16000) {
  AudioBuffer out;
  out.sample_rate = rate;
  out.samples.assign(static_cast<std::size_t>(seconds * rate), 0.0f);
  const int harmonics = static_cast<int>(std::min(4000.0, 0.45 * rate) / hz);
  for (std::size_t i = 0; i < out.samples.size(); ++i) {
    double v = 0.0;
    for (int k = 1; k <= harmonics; ++k) v += std::cos(2.0 * std::numbers::pi * k * hz * i / rate);
    out.samples[i] = static_cast<float>(0.5 * v / harmonics);
  }
  return out;
}

// A steady vowel: pulse train at `f0` through cascaded two-pole resonators at
// `formants` (80 Hz bandwidth each), normalised to a 0.5 peak.
inline AudioBuffer Vowel(double f0, const std::vector<double>& formants, double seconds,
                         int rate = 16000) {
  AudioBuffer out = PulseTrain(f0, seconds, rate);
  for (double f : formants) {
    const double r = std::exp(-std::numbers::pi * 80.0 / rate);
    const double a1 = 2.0 * r * std::cos(2.0 * std::numbers::pi * f / rate), a2 = -r * r;
    double y1 = 0.0, y2 = 0.0;
    for (float& s : out.samples) {
      const double y = s + a1 * y1 + a2 * y2;
      y2 = y1;
      y1 = y;
      s = static_cast<float>(y);
    }
  }
  float peak = 0.0f;
  for (float s : out.samples) peak = std::max(peak, std::abs(s));
  for (float& s : out.samples) s *= 0.5f / peak;
  return out;
}

inline AudioBuffer WhiteNoise(double seconds, double amplitude = 0.3, int rate = 16000) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  AudioBuffer out;
  out.sample_rate = rate;
  out.samples.resize(static_cast<std::size_t>(seconds * rate));
  for (float& s : out.samples) s = static_cast<float>(amplitude) * uniform(rng);
  return out;
}

inline AudioBuffer Silence(double seconds, int rate = 16000) {
  AudioBuffer out;
  out.sample_rate = rate;
  out.samples.assign(static_cast<std::size_t>(seconds * rate), 0.0f);
  return out;
}

inline TtsFlite& Flite() {
  static TtsFlite flite([] {
    TtsConfig config;
    config.engine = "flite";
    return config;
  }());
  return flite;
}

inline TtsEspeak& Espeak() {
  static TtsEspeak espeak([] {
    TtsConfig config;
    config.engine = "espeak";
    config.language = "en";
    return config;
  }());
  return espeak;
}

// One recogniser per binary (pocketsphinx takes ~0.4 s per decoder to load).
inline Asr& SharedAsr() {
  static const std::unique_ptr<Asr> asr = CreateAsr(AsrConfig{});  // pocketsphinx en-us, 16 kHz
  return *asr;
}

inline AudioBuffer Speak(Tts& tts, const std::string& text, const std::string& voice) {
  return tts.SynthesizeAll(Req(text, "en", voice));
}

inline void Append(AudioBuffer& to, const AudioBuffer& from) {
  to.sample_rate = from.sample_rate;
  to.samples.insert(to.samples.end(), from.samples.begin(), from.samples.end());
}

}  // namespace mv::test
