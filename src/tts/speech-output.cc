#include "tts/speech-output.h"

#include <algorithm>

#include "common/error.h"

namespace mv {

void SpeechOutput::BeginAttempt() {
  // Nothing passed on yet (a failed attempt held only zeros): the next
  // attempt's rate is still free to become the call's.
  if (emitted_ == 0) rate_ = 0;
  position_ = 0;
  held_zeros_ = 0;
  attempt_rate_ = 0;
  resampler_.reset();
}

bool SpeechOutput::Add(const float* samples, std::size_t count, int sample_rate) {
  if (count == 0) return true;
  if (attempt_rate_ == 0) {
    attempt_rate_ = sample_rate;
    if (rate_ == 0) rate_ = sample_rate;
    if (sample_rate != rate_) resampler_ = std::make_unique<Resampler>(sample_rate, rate_);
  } else if (sample_rate != attempt_rate_) {
    throw Error(ErrorKind::kUpstream, "rate_changed",
                "TTS server changed the sample rate mid-stream (" + std::to_string(attempt_rate_) +
                    " -> " + std::to_string(sample_rate) + " Hz)");
  }
  std::size_t last = count;  // index of the last non-zero sample, or count for none
  for (std::size_t i = count; i-- > 0;) {
    if (samples[i] != 0.0f) {
      last = i;
      break;
    }
  }
  if (last == count) {
    held_zeros_ += count;
    return true;
  }
  if (held_zeros_ > 0 && !EmitZeros(held_zeros_)) return false;
  held_zeros_ = count - last - 1;
  return Pass(samples, last + 1);
}

bool SpeechOutput::EndAttempt() {
  if (held_zeros_ > 0 && !EmitZeros(held_zeros_)) return false;
  held_zeros_ = 0;
  if (resampler_) {
    std::vector<float> tail = resampler_->Flush();
    resampler_.reset();
    return Emit(tail.data(), tail.size());
  }
  return true;
}

bool SpeechOutput::EmitZeros(std::size_t count) {
  static const std::vector<float> kZeros(4096, 0.0f);
  held_zeros_ = 0;
  while (count > 0) {
    const std::size_t n = std::min(count, kZeros.size());
    if (!Pass(kZeros.data(), n)) return false;
    count -= n;
  }
  return true;
}

bool SpeechOutput::Pass(const float* samples, std::size_t count) {
  if (!resampler_) return Emit(samples, count);
  std::vector<float> out = resampler_->Process(samples, count);
  return Emit(out.data(), out.size());
}

bool SpeechOutput::Emit(const float* samples, std::size_t count) {
  const std::size_t start = position_;
  position_ += count;
  if (position_ <= emitted_) return true;  // a retry repeating what the caller has
  const std::size_t offset = emitted_ > start ? emitted_ - start : 0;
  emitted_ += count - offset;
  return on_chunk_(samples + offset, count - offset, rate_);
}

}  // namespace mv
