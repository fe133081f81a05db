#include "voice/voice-shifter.h"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "common/error.h"

namespace mv {
namespace {

using RubberBand::RubberBandStretcher;

constexpr std::size_t kBlock = 1024;

// Below these the shift is inaudible and Rubber Band would only add latency.
bool IsIdentity(double semitones, double formant_scale) {
  return std::abs(semitones) < 0.05 && std::abs(formant_scale - 1.0) < 0.005;
}

void CheckArgs(int sample_rate, double semitones, double formant_scale) {
  if (sample_rate <= 0) {
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate", "voice shifter: sample rate <= 0");
  }
  if (!std::isfinite(semitones) || std::abs(semitones) > 24.0) {
    throw Error(ErrorKind::kInvalidInput, "bad_pitch_shift",
                "voice shifter: pitch shift must be within +-24 semitones");
  }
  if (!std::isfinite(formant_scale) || formant_scale < 0.5 || formant_scale > 2.0) {
    throw Error(ErrorKind::kInvalidInput, "bad_formant_scale",
                "voice shifter: formant scale must be in [0.5, 2]");
  }
}

std::unique_ptr<RubberBandStretcher> MakeStretcher(int sample_rate, double semitones,
                                                   double formant_scale, bool realtime) {
  const RubberBandStretcher::Options options =
      (realtime ? RubberBandStretcher::OptionProcessRealTime
                : RubberBandStretcher::OptionProcessOffline) |
      RubberBandStretcher::OptionEngineFiner | RubberBandStretcher::OptionFormantPreserved |
      RubberBandStretcher::OptionPitchHighQuality | RubberBandStretcher::OptionThreadingNever;
  const double pitch_scale = std::pow(2.0, semitones / 12.0);
  auto s = std::make_unique<RubberBandStretcher>(static_cast<std::size_t>(sample_rate), 1, options,
                                                 1.0, pitch_scale);
  // Rubber Band's formant scale is relative to the pitch-shifted envelope
  // (preservation = 1 / pitch_scale), so a net envelope factor g is g / p.
  if (std::abs(formant_scale - 1.0) >= 0.005) s->setFormantScale(formant_scale / pitch_scale);
  s->setMaxProcessSize(kBlock);
  return s;
}

}  // namespace

VoiceShifter::VoiceShifter(int sample_rate, double semitones, double formant_scale)
    : sample_rate_(sample_rate) {
  CheckArgs(sample_rate, semitones, formant_scale);
  if (IsIdentity(semitones, formant_scale)) return;
  stretcher_ = MakeStretcher(sample_rate, semitones, formant_scale, /*realtime=*/true);
  block_ = kBlock;
  scratch_.resize(kBlock);
  // Real-time mode does no delay compensation: feed the preferred pad of
  // silence, then drop the start delay from the output, so output sample i
  // lines up with input sample i.
  std::vector<float> pad(stretcher_->getPreferredStartPad(), 0.0f);
  delay_to_drop_ = stretcher_->getStartDelay();
  for (std::size_t at = 0; at < pad.size(); at += block_) {
    const float* channel = pad.data() + at;
    stretcher_->process(&channel, std::min(block_, pad.size() - at), false);
  }
}

VoiceShifter::~VoiceShifter() = default;
VoiceShifter::VoiceShifter(VoiceShifter&& other) noexcept = default;
VoiceShifter& VoiceShifter::operator=(VoiceShifter&& other) noexcept = default;

void VoiceShifter::Emit(const float* samples, std::size_t count, std::vector<float>& out) {
  const std::size_t skip = std::min(delay_to_drop_, count);
  delay_to_drop_ -= skip;
  samples += skip;
  count -= skip;
  // Time ratio 1: never more out than in (the tail after the input is padding).
  count = std::min(count, consumed_ - emitted_);
  out.insert(out.end(), samples, samples + count);
  emitted_ += count;
}

void VoiceShifter::Retrieve(std::vector<float>& out) {
  for (;;) {
    const int ready = stretcher_->available();
    if (ready <= 0) return;
    float* channel = scratch_.data();
    const std::size_t got =
        stretcher_->retrieve(&channel, std::min<std::size_t>(ready, scratch_.size()));
    if (got == 0) return;
    Emit(scratch_.data(), got, out);
  }
}

std::vector<float> VoiceShifter::Process(const float* samples, std::size_t count) {
  if (!stretcher_) return std::vector<float>(samples, samples + count);
  std::vector<float> out;
  for (std::size_t at = 0; at < count; at += block_) {
    const std::size_t n = std::min(block_, count - at);
    const float* channel = samples + at;
    stretcher_->process(&channel, n, false);
    consumed_ += n;
    Retrieve(out);
  }
  return out;
}

std::vector<float> VoiceShifter::Flush() {
  std::vector<float> out;
  if (!stretcher_) return out;
  // Push silence through until the delayed tail of the real input is out;
  // bounded so a misbehaving stretcher cannot loop forever.
  const std::vector<float> silence(block_, 0.0f);
  const std::size_t limit =
      consumed_ + delay_to_drop_ + 8 * stretcher_->getStartDelay() + 64 * block_;
  std::size_t pushed = 0;
  while (emitted_ < consumed_ && pushed < limit) {
    const float* channel = silence.data();
    stretcher_->process(&channel, block_, false);
    pushed += block_;
    Retrieve(out);
  }
  // Should the stretcher have stalled, keep the length promise with silence.
  out.resize(out.size() + (consumed_ - emitted_), 0.0f);
  emitted_ = consumed_;
  stretcher_.reset();
  return out;
}

AudioBuffer ShiftVoice(const AudioBuffer& audio, double semitones, double formant_scale) {
  CheckArgs(audio.sample_rate, semitones, formant_scale);
  if (IsIdentity(semitones, formant_scale) || audio.samples.empty()) return audio;
  auto s = MakeStretcher(audio.sample_rate, semitones, formant_scale, /*realtime=*/false);
  const std::size_t n = audio.samples.size();
  s->setExpectedInputDuration(n);
  for (std::size_t at = 0; at < n; at += kBlock) {
    const float* channel = audio.samples.data() + at;
    s->study(&channel, std::min(kBlock, n - at), at + kBlock >= n);
  }
  AudioBuffer out;
  out.sample_rate = audio.sample_rate;
  out.samples.reserve(n);
  std::vector<float> scratch(kBlock);
  auto drain = [&] {
    for (int ready = s->available(); ready > 0; ready = s->available()) {
      float* channel = scratch.data();
      const std::size_t got = s->retrieve(&channel, std::min<std::size_t>(ready, kBlock));
      if (got == 0) break;
      out.samples.insert(out.samples.end(), scratch.begin(), scratch.begin() + got);
    }
  };
  for (std::size_t at = 0; at < n; at += kBlock) {
    const float* channel = audio.samples.data() + at;
    s->process(&channel, std::min(kBlock, n - at), at + kBlock >= n);
    drain();
  }
  while (s->available() >= 0) {  // -1 once everything is out
    const std::size_t before = out.samples.size();
    drain();
    if (out.samples.size() == before && s->available() == 0) break;
  }
  out.samples.resize(n, 0.0f);  // the library promises n; make it so
  return out;
}

}  // namespace mv
