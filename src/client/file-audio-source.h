// An audio file spoken as a microphone would: decoded, resampled to 24 kHz,
// and handed out in 20 ms chunks at real-time pace, after a short lead-in of
// silence. With `trailing_silence` it then yields silence until Stop(), so
// a server's VAD sees the turn end; without, Read() ends after the file.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "client/audio-io.h"

namespace mv {

struct FileSourceOptions {
  bool trailing_silence = true;
  bool real_time = true;  // false: no pacing (tests)
  int chunk_ms = 20;
  int lead_in_ms = 200;
};

class FileAudioSource : public AudioSource {
 public:
  // Throws mv::Error: kNotFound (no file), the decoder's errors.
  FileAudioSource(const std::string& path, FileSourceOptions options = {});

  bool Read(std::vector<float>& chunk) override;
  void Stop() override { stopped_ = true; }
  bool speaking() const override { return speaking_; }

  double duration_seconds() const { return static_cast<double>(samples_.size()) / kClientRate; }

 private:
  FileSourceOptions options_;
  std::vector<float> samples_;  // lead-in + the file, at kClientRate
  std::size_t position_ = 0;
  std::size_t chunks_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> speaking_{true};
};

}  // namespace mv
