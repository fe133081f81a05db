// Sample-rate conversion with libsoxr (high quality, float32 in and out).
// Resample() converts a whole buffer; Resampler converts a stream chunk by
// chunk (e.g. TTS output on its way to the encoder) and gives the same
// samples as Resample() once flushed.
#pragma once

#include <cstddef>
#include <vector>

#include "audio/audio-buffer.h"

namespace mv {

// Returns `in` at `target_rate` (a plain copy when the rates already match).
// Throws mv::Error kInvalidInput for a rate <= 0.
AudioBuffer Resample(const AudioBuffer& in, int target_rate);

// Streaming converter. Not thread-safe: one per stream. Move-only.
class Resampler {
 public:
  Resampler(int input_rate, int output_rate);
  ~Resampler();
  Resampler(Resampler&& other) noexcept;
  Resampler& operator=(Resampler&& other) noexcept;
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Consumes all `n` samples and returns the output ready so far; the filter
  // holds back a few milliseconds until more input or Flush() arrives.
  std::vector<float> Process(const float* samples, std::size_t n);
  // Ends the stream: returns the held-back tail. Process() may not follow.
  std::vector<float> Flush();

  int input_rate() const { return input_rate_; }
  int output_rate() const { return output_rate_; }

 private:
  std::vector<float> Run(const float* samples, std::size_t n);

  int input_rate_;
  int output_rate_;
  void* soxr_ = nullptr;  // soxr_t, kept opaque so callers need no soxr.h
};

}  // namespace mv
