// Helpers for the remote engine tests: configs pointing at doubles, a
// recorder of what an engine streams, and reference clips on disk.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/audio-encoder.h"
#include "fakes/fake-tts-support.h"
#include "tts/tts-config.h"
#include "tts/tts.h"

namespace mv::test {

// What Synthesize() passed on: all samples, the rate, how many chunks.
struct Streamed {
  std::vector<float> samples;
  int rate = 0;
  int chunks = 0;

  TtsChunkCallback Callback() {
    return [this](const float* s, std::size_t n, int r) {
      rate = r;
      ++chunks;
      samples.insert(samples.end(), s, s + n);
      return true;
    };
  }
  // Longest run of exact zeros, in samples.
  std::size_t LongestZeroRun() const {
    std::size_t best = 0, run = 0;
    for (float s : samples) {
      run = s == 0.0f ? run + 1 : 0;
      best = std::max(best, run);
    }
    return best;
  }
};

// Largest difference to `expected`, or 1 when the lengths differ.
inline float MaxDifference(const std::vector<float>& got, const std::vector<float>& expected) {
  if (got.size() != expected.size()) return 1.0f;
  float worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - expected[i]));
  return worst;
}

// A GPT-SoVITS config with `ref` as its reference (English), no
// health checks, a long cool-down, and no endpoints yet.
inline TtsConfig GptSovitsConfig(const std::string& ref) {
  TtsConfig c;
  c.engine = "gpt-sovits";
  c.gpt_sovits.ref_audio_path = ref;
  c.gpt_sovits.prompt_text = "this is my voice";
  c.gpt_sovits.text_lang = "en";
  c.remote.cooldown_ms = 60000;
  c.remote.health_path = "";
  return c;
}

// A fresh folder under /tmp.
inline std::string TempFolder(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::string dir =
      "/tmp/mv-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Speech lasting about `seconds` (flite, padded with quiet) as a WAV file.
inline std::string WriteSpeechWav(
    const std::string& path, double seconds, int rate = 16000,
    const std::string& text = "this is my voice, please speak the answer the way I do") {
  AudioBuffer speech = mvtest::FakeSpeech(text, rate);
  speech.samples.resize(static_cast<std::size_t>(seconds * rate), 0.0f);
  // A little noise instead of digital silence, as a microphone gives.
  for (std::size_t i = 0; i < speech.samples.size(); ++i)
    if (speech.samples[i] == 0.0f) speech.samples[i] = (i % 7 == 0 ? 1e-3f : -1e-3f);
  const std::string wav = EncodeAudio(speech, AudioFormat::kWav);
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(wav.data(), 1, wav.size(), f);
  std::fclose(f);
  return path;
}

// The samples a double sends for `text` at `rate`, after the 16-bit round trip.
inline std::vector<float> ExpectedSpeech(const std::string& text, int rate) {
  AudioBuffer speech = mvtest::FakeSpeech(text, rate);
  std::vector<float> out;
  const std::string pcm = ToPcm16(speech.samples.data(), speech.samples.size());
  for (std::size_t i = 0; i + 1 < pcm.size(); i += 2)
    out.push_back(static_cast<int16_t>(static_cast<unsigned char>(pcm[i]) |
                                       (static_cast<unsigned char>(pcm[i + 1]) << 8)) /
                  32768.0f);
  return out;
}

}  // namespace mv::test
