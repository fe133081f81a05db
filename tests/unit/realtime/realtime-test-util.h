// Test audio for the realtime tests: flite speech at 16 kHz, silence, and
// seeded white noise at a given level.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "tts/tts-flite.h"

namespace mv::test {

inline TtsFlite& Flite() {
  static TtsFlite flite([] {
    TtsConfig config;
    config.engine = "flite";
    return config;
  }());
  return flite;
}

// `text` spoken by flite's kal16 (deterministic: no random excitation), at 16 kHz.
inline std::vector<float> Speech(const std::string& text, const std::string& voice = "kal16") {
  TtsRequest request;
  request.text = text;
  request.language = "en";
  request.voice = voice;
  return Resample(Flite().SynthesizeAll(request), 16000).samples;
}

inline std::vector<float> Silence(double seconds, int rate = 16000) {
  return std::vector<float>(static_cast<std::size_t>(seconds * rate), 0.0f);
}

// White noise whose RMS is `dbfs` (0 dBFS = RMS 1.0).
inline std::vector<float> Noise(double seconds, double dbfs, unsigned seed = 7, int rate = 16000) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, static_cast<float>(std::pow(10.0, dbfs / 20.0)));
  std::vector<float> out(static_cast<std::size_t>(seconds * rate));
  for (float& v : out) v = std::clamp(dist(gen), -1.0f, 1.0f);
  return out;
}

inline std::vector<float> Concat(std::initializer_list<std::vector<float>> parts) {
  std::vector<float> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline std::vector<float> Gain(std::vector<float> audio, double db) {
  const float g = static_cast<float>(std::pow(10.0, db / 20.0));
  for (float& v : audio) v *= g;
  return audio;
}

}  // namespace mv::test
