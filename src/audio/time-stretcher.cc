#include "audio/time-stretcher.h"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "audio/rubberband-stream.h"
#include "common/error.h"

namespace mv {
using RubberBand::RubberBandStretcher;

TimeStretcher::TimeStretcher(int sample_rate, double speed) {
  if (sample_rate <= 0)
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate", "time stretcher: sample rate <= 0");
  if (!std::isfinite(speed) || speed < 0.25 || speed > 4.0)
    throw Error(ErrorKind::kInvalidInput, "bad_speed",
                "time stretcher: speed must be in [0.25, 4]");
  if (std::abs(speed - 1.0) < 1e-3) return;
  const RubberBandStretcher::Options options =
      RubberBandStretcher::OptionProcessRealTime | RubberBandStretcher::OptionEngineFiner |
      RubberBandStretcher::OptionThreadingNever | RubberBandStretcher::OptionWindowStandard;
  stream_ = std::make_unique<RubberBandStream>(
      std::make_unique<RubberBandStretcher>(static_cast<std::size_t>(sample_rate), 1, options,
                                            1.0 / speed, 1.0),
      1.0 / speed);
}

TimeStretcher::~TimeStretcher() = default;
TimeStretcher::TimeStretcher(TimeStretcher&& other) noexcept = default;
TimeStretcher& TimeStretcher::operator=(TimeStretcher&& other) noexcept = default;

std::vector<float> TimeStretcher::Process(const float* samples, std::size_t count) {
  if (!stream_) return std::vector<float>(samples, samples + count);
  return stream_->Process(samples, count);
}

std::vector<float> TimeStretcher::Flush() {
  return stream_ ? stream_->Flush() : std::vector<float>{};
}

}  // namespace mv
