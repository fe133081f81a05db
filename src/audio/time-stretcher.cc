#include "audio/time-stretcher.h"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/error.h"

namespace mv {
namespace {

using RubberBand::RubberBandStretcher;

constexpr std::size_t kBlock = 1024;

}  // namespace

TimeStretcher::TimeStretcher(int sample_rate, double speed) : speed_(speed) {
  if (sample_rate <= 0)
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate", "time stretcher: sample rate <= 0");
  if (!std::isfinite(speed) || speed < 0.25 || speed > 4.0)
    throw Error(ErrorKind::kInvalidInput, "bad_speed",
                "time stretcher: speed must be in [0.25, 4]");
  if (std::abs(speed - 1.0) < 1e-3) return;
  const RubberBandStretcher::Options options =
      RubberBandStretcher::OptionProcessRealTime | RubberBandStretcher::OptionEngineFiner |
      RubberBandStretcher::OptionThreadingNever | RubberBandStretcher::OptionWindowStandard;
  stretcher_ = std::make_unique<RubberBandStretcher>(static_cast<std::size_t>(sample_rate), 1,
                                                     options, 1.0 / speed, 1.0);
  stretcher_->setMaxProcessSize(kBlock);
  scratch_.resize(kBlock);
  // Real-time mode does no delay compensation: pad the start with silence
  // and drop the start delay from the output, so the output starts with the
  // input's first sample.
  std::vector<float> pad(stretcher_->getPreferredStartPad(), 0.0f);
  delay_to_drop_ = stretcher_->getStartDelay();
  for (std::size_t at = 0; at < pad.size(); at += kBlock) {
    const float* channel = pad.data() + at;
    stretcher_->process(&channel, std::min(kBlock, pad.size() - at), false);
  }
}

TimeStretcher::~TimeStretcher() = default;
TimeStretcher::TimeStretcher(TimeStretcher&& other) noexcept = default;
TimeStretcher& TimeStretcher::operator=(TimeStretcher&& other) noexcept = default;

std::size_t TimeStretcher::Expected() const {
  return static_cast<std::size_t>(std::llround(static_cast<double>(consumed_) / speed_));
}

void TimeStretcher::Retrieve(std::vector<float>& out) {
  for (;;) {
    const int ready = stretcher_->available();
    if (ready <= 0) return;
    float* channel = scratch_.data();
    std::size_t got = stretcher_->retrieve(&channel, std::min<std::size_t>(ready, kBlock));
    if (got == 0) return;
    const std::size_t skip = std::min(delay_to_drop_, got);
    delay_to_drop_ -= skip;
    got -= skip;
    out.insert(out.end(), scratch_.data() + skip, scratch_.data() + skip + got);
    emitted_ += got;
  }
}

std::vector<float> TimeStretcher::Process(const float* samples, std::size_t count) {
  if (!stretcher_) return std::vector<float>(samples, samples + count);
  std::vector<float> out;
  for (std::size_t at = 0; at < count; at += kBlock) {
    const std::size_t n = std::min(kBlock, count - at);
    const float* channel = samples + at;
    stretcher_->process(&channel, n, false);
    consumed_ += n;
    Retrieve(out);
  }
  return out;
}

std::vector<float> TimeStretcher::Flush() {
  std::vector<float> out;
  if (!stretcher_) return out;
  // Push silence until the delayed tail of the real input is out; bounded
  // so a misbehaving stretcher cannot loop forever.
  const std::vector<float> silence(kBlock, 0.0f);
  const std::size_t expected = Expected();
  const std::size_t limit =
      4 * (stretcher_->getStartDelay() + stretcher_->getPreferredStartPad()) + 64 * kBlock;
  for (std::size_t pushed = 0; emitted_ < expected && pushed < limit; pushed += kBlock) {
    const float* channel = silence.data();
    stretcher_->process(&channel, kBlock, false);
    Retrieve(out);
  }
  // The length promise: trim the padding's output, or fill a stall with silence.
  const std::size_t before = emitted_ - out.size();  // returned by Process()
  const std::size_t owed = expected > before ? expected - before : 0;
  out.resize(owed, 0.0f);
  emitted_ = expected;
  stretcher_.reset();
  return out;
}

}  // namespace mv
