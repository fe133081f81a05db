#include "fakes/fake-transcriber.h"

#include <cstdint>
#include <cstring>

#include "asr/asr-pocketsphinx.h"
#include "audio/audio-decoder.h"
#include "audio/resampler.h"

namespace mvtest {
namespace {

mv::Asr& Engine() {
  // Shared by every double in the process; never destroyed (threads of a
  // double may still be decoding while statics go away).
  static mv::Asr* engine = [] {
    mv::AsrConfig config;
    config.pool_size = 2;
    return new mv::AsrPocketsphinx(config);
  }();
  return *engine;
}

}  // namespace

std::string TranscribePcm16(std::string_view pcm) {
  mv::AudioBuffer audio;
  audio.sample_rate = 16000;
  audio.samples.resize(pcm.size() / 2);
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    std::int16_t s;
    std::memcpy(&s, pcm.data() + 2 * i, 2);  // little-endian host, as the tests run
    audio.samples[i] = s / 32768.0f;
  }
  return Engine().Transcribe(audio, mv::CancelToken()).text;
}

std::string TranscribeFile(std::string_view bytes) {
  mv::AudioBuffer audio = mv::Resample(mv::DecodeAudio(bytes), 16000);
  return Engine().Transcribe(audio, mv::CancelToken()).text;
}

}  // namespace mvtest
