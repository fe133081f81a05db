// Speech tempo change without a pitch change (Rubber Band R3, real-time
// mode) as a streaming filter: Process() takes chunks and returns what is
// ready, Flush() ends the stream. `speed` 2 halves the duration; the output
// holds round(input / speed) samples in all, aligned with the input (the
// stretcher's start delay is padded in and trimmed out). Used by
// /v1/audio/speech's `speed`.
//
// Not thread-safe (Rubber Band's stretcher is not): one per stream. Move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace mv {

class RubberBandStream;

class TimeStretcher {
 public:
  // Throws mv::Error kInvalidInput for a rate <= 0 or a speed outside [0.25, 4].
  TimeStretcher(int sample_rate, double speed);
  ~TimeStretcher();
  TimeStretcher(TimeStretcher&& other) noexcept;
  TimeStretcher& operator=(TimeStretcher&& other) noexcept;
  TimeStretcher(const TimeStretcher&) = delete;
  TimeStretcher& operator=(const TimeStretcher&) = delete;

  // Consumes all `count` samples; returns the stretched audio ready so far.
  std::vector<float> Process(const float* samples, std::size_t count);
  // Returns the rest. Process() may not follow.
  std::vector<float> Flush();

  // True when speed is 1 and audio passes unchanged.
  bool passthrough() const { return stream_ == nullptr; }

 private:
  std::unique_ptr<RubberBandStream> stream_;  // null = speed 1
};

}  // namespace mv
