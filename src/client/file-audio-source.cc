#include "client/file-audio-source.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/error.h"

namespace mv {

FileAudioSource::FileAudioSource(const std::string& path, FileSourceOptions options)
    : options_(options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "no_file", "cannot open '" + path + "'");
  std::stringstream bytes;
  bytes << in.rdbuf();
  AudioBuffer audio;
  try {
    audio = Resample(DecodeAudio(bytes.str()), kClientRate);
  } catch (const Error& e) {
    throw Error(e.kind(), e.code(), "'" + path + "': " + e.what());
  }
  samples_.assign(static_cast<std::size_t>(options_.lead_in_ms) * kClientRate / 1000, 0.0f);
  samples_.insert(samples_.end(), audio.samples.begin(), audio.samples.end());
}

bool FileAudioSource::Read(std::vector<float>& chunk) {
  if (stopped_) return false;
  const std::size_t chunk_samples =
      static_cast<std::size_t>(options_.chunk_ms) * kClientRate / 1000;
  if (chunks_ == 0) start_ = std::chrono::steady_clock::now();
  if (position_ >= samples_.size()) {
    speaking_ = false;
    if (!options_.trailing_silence) return false;
  }
  if (options_.real_time) {
    // Chunk n is "recorded" once its last sample has happened.
    auto due = start_ + std::chrono::milliseconds(static_cast<long>(options_.chunk_ms) *
                                                  static_cast<long>(chunks_ + 1));
    // Sleep in slices so Stop() is noticed quickly.
    while (!stopped_ && std::chrono::steady_clock::now() < due)
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          due - std::chrono::steady_clock::now(), std::chrono::milliseconds(10)));
    if (stopped_) return false;
  }
  chunk.assign(chunk_samples, 0.0f);
  if (position_ < samples_.size()) {
    std::size_t n = std::min(chunk_samples, samples_.size() - position_);
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(position_), n, chunk.begin());
    if (n < chunk_samples && !options_.trailing_silence) chunk.resize(n);
    position_ += n;
  }
  ++chunks_;
  return true;
}

}  // namespace mv
