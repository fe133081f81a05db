#include "client/wav-file-sink.h"

#include <fstream>

#include "audio/audio-encoder.h"
#include "common/error.h"

namespace mv {
namespace {

void WriteWav(const std::string& path, const AudioBuffer& audio) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::kInvalidInput, "bad_output", "cannot write '" + path + "'");
  out << EncodeAudio(audio, AudioFormat::kWav);
  if (!out.flush())
    throw Error(ErrorKind::kInternal, "write_failed", "writing '" + path + "' failed");
}

}  // namespace

WavFileSink::WavFileSink(std::string path) : path_(std::move(path)) {
  // Fail before the conversation, not after it.
  WriteWav(path_, AudioBuffer{{}, kClientRate});
}

void WavFileSink::Play(const float* samples, std::size_t n) {
  std::lock_guard lock(mutex_);
  samples_.insert(samples_.end(), samples, samples + n);
}

void WavFileSink::Finish() {
  AudioBuffer audio;
  audio.sample_rate = kClientRate;
  {
    std::lock_guard lock(mutex_);
    audio.samples = samples_;
  }
  WriteWav(path_, audio);
}

double WavFileSink::duration_seconds() const {
  std::lock_guard lock(mutex_);
  return static_cast<double>(samples_.size()) / kClientRate;
}

}  // namespace mv
