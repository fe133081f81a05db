// Collects the answers' audio and writes one 24 kHz WAV file at Finish().
// Flush() keeps what was received: a file "plays" each delta at once.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "client/audio-io.h"

namespace mv {

class WavFileSink : public AudioSink {
 public:
  // Checks at once that `path` can be written (throws mv::Error kInvalidInput).
  explicit WavFileSink(std::string path);

  void Play(const float* samples, std::size_t n) override;
  void Flush() override {}
  void Finish() override;

  double duration_seconds() const;

 private:
  std::string path_;
  mutable std::mutex mutex_;  // guards samples_
  std::vector<float> samples_;
};

}  // namespace mv
