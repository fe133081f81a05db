// DecodeAudio over damaged files of every format we accept: a result or an
// mv::Error, nothing else; decoded samples are finite and within the limit.
#include <cmath>
#include <cstdlib>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "common/error.h"
#include "fuzz-target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::AudioConfig limits;
  limits.max_seconds = 5.0;  // bounds memory per input
  try {
    const mv::AudioBuffer audio =
        mv::DecodeAudio(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (audio.sample_rate <= 0 || audio.empty()) std::abort();
    if (audio.DurationSeconds() > limits.max_seconds + 0.001) std::abort();
    for (float x : audio.samples) {
      if (!std::isfinite(x)) std::abort();
    }
  } catch (const mv::Error&) {
  }
  return 0;
}

// Short files (a chirp, 0.25 s) so each mutation decodes quickly.
std::vector<std::string> FuzzSeeds() {
  mv::AudioBuffer chirp;
  chirp.sample_rate = 16000;
  for (int i = 0; i < 4000; ++i) {
    const double t = i / 16000.0;
    chirp.samples.push_back(static_cast<float>(0.5 * std::sin(2 * M_PI * (200 + 2000 * t) * t)));
  }
  std::vector<std::string> seeds;
  for (mv::AudioFormat f :
       {mv::AudioFormat::kWav, mv::AudioFormat::kFlac, mv::AudioFormat::kMp3,
        mv::AudioFormat::kOggVorbis, mv::AudioFormat::kOggOpus, mv::AudioFormat::kWebmOpus,
        mv::AudioFormat::kAac, mv::AudioFormat::kM4a}) {
    seeds.push_back(mv::EncodeAudio(chirp, f));
  }
  seeds.push_back(mv::WavStreamHeader(24000) + std::string(400, '\x10'));
  return seeds;
}
