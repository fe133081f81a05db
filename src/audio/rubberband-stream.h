// A Rubber Band stretcher in real-time mode as a streaming filter with a
// length promise: the output holds round(input * time_ratio) samples in all,
// aligned with the input (real-time mode does no delay compensation, so the
// preferred start pad goes in and the start delay is dropped from the
// output). Shared by TimeStretcher (tempo) and VoiceShifter (pitch).
//
// Not thread-safe (Rubber Band's stretcher is not): one per stream. Move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace RubberBand {
class RubberBandStretcher;
}

namespace mv {

class RubberBandStream {
 public:
  // Largest block handed to the stretcher at once.
  static constexpr std::size_t kBlock = 1024;

  // `stretcher`: configured (ratios, formants) in real-time mode, nothing
  // processed yet; `time_ratio` the one it was made with.
  RubberBandStream(std::unique_ptr<RubberBand::RubberBandStretcher> stretcher, double time_ratio);
  ~RubberBandStream();
  RubberBandStream(RubberBandStream&& other) noexcept;
  RubberBandStream& operator=(RubberBandStream&& other) noexcept;
  RubberBandStream(const RubberBandStream&) = delete;
  RubberBandStream& operator=(const RubberBandStream&) = delete;

  // Consumes all `count` samples; returns the output ready so far.
  std::vector<float> Process(const float* samples, std::size_t count);
  // Returns the rest, keeping the length promise. Process() may not follow.
  std::vector<float> Flush();

 private:
  void Retrieve(std::vector<float>& out);
  std::size_t Expected() const;  // output owed for consumed_ so far

  std::unique_ptr<RubberBand::RubberBandStretcher> stretcher_;
  double time_ratio_;
  std::size_t delay_to_drop_ = 0;  // output start delay not yet discarded
  std::size_t consumed_ = 0;       // input samples taken
  std::size_t emitted_ = 0;        // output samples returned
  std::vector<float> scratch_;
};

}  // namespace mv
