// An answer's audio on its way to the client: whatever rate TTS produced,
// resampled per segment to 24 kHz pcm16 and cut into base64 chunks of about
// 100 ms. One per response; used by one thread at a time (the answer's
// fan-out callbacks are serialised).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "audio/resampler.h"

namespace mv {

class RealtimeAudioOut {
 public:
  static constexpr int kRate = 24000;
  static constexpr std::size_t kChunkSamples = kRate / 10;
  // What the deltas carry, for back-pressure limits: pcm16 in base64.
  static constexpr double kBytesPerSecond = kRate * 2 * 4 / 3.0;

  // Base64 chunks ready to send.
  std::vector<std::string> Push(int segment, const float* samples, std::size_t n, int rate);
  // The end of a segment: everything held back.
  std::vector<std::string> Flush();

 private:
  void Take(std::vector<float> samples, bool all, std::vector<std::string>* out);

  std::unique_ptr<Resampler> resampler_;
  int segment_ = -1;
  std::vector<float> pending_;  // < one chunk at 24 kHz
};

}  // namespace mv
