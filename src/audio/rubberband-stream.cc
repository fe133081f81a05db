#include "audio/rubberband-stream.h"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>

namespace mv {

RubberBandStream::RubberBandStream(std::unique_ptr<RubberBand::RubberBandStretcher> stretcher,
                                   double time_ratio)
    : stretcher_(std::move(stretcher)), time_ratio_(time_ratio), scratch_(kBlock) {
  stretcher_->setMaxProcessSize(kBlock);
  std::vector<float> pad(stretcher_->getPreferredStartPad(), 0.0f);
  delay_to_drop_ = stretcher_->getStartDelay();
  for (std::size_t at = 0; at < pad.size(); at += kBlock) {
    const float* channel = pad.data() + at;
    stretcher_->process(&channel, std::min(kBlock, pad.size() - at), false);
  }
}

RubberBandStream::~RubberBandStream() = default;
RubberBandStream::RubberBandStream(RubberBandStream&& other) noexcept = default;
RubberBandStream& RubberBandStream::operator=(RubberBandStream&& other) noexcept = default;

std::size_t RubberBandStream::Expected() const {
  return static_cast<std::size_t>(std::llround(static_cast<double>(consumed_) * time_ratio_));
}

void RubberBandStream::Retrieve(std::vector<float>& out) {
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

std::vector<float> RubberBandStream::Process(const float* samples, std::size_t count) {
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

std::vector<float> RubberBandStream::Flush() {
  std::vector<float> out;
  if (!stretcher_) return out;
  // Push silence until the delayed tail of the real input is out; bounded
  // so a misbehaving stretcher cannot loop forever.
  const std::vector<float> silence(kBlock, 0.0f);
  const std::size_t expected = Expected();
  const std::size_t limit = expected + delay_to_drop_ +
                            8 * (stretcher_->getStartDelay() + stretcher_->getPreferredStartPad()) +
                            64 * kBlock;
  for (std::size_t pushed = 0; emitted_ < expected && pushed < limit; pushed += kBlock) {
    const float* channel = silence.data();
    stretcher_->process(&channel, kBlock, false);
    Retrieve(out);
  }
  // The length promise: trim the padding's output, or fill a stall with silence.
  const std::size_t before = emitted_ - out.size();  // returned by Process()
  const std::size_t owed = expected > before ? expected - before : 0;
  out.resize(owed, 0.0f);
  emitted_ = std::max(expected, before);
  stretcher_.reset();
  return out;
}

}  // namespace mv
