#include "voice/voice-shifter.h"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "audio/rubberband-stream.h"
#include "common/error.h"

namespace mv {
namespace {

using RubberBand::RubberBandStretcher;

constexpr std::size_t kBlock = RubberBandStream::kBlock;

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
  stream_ = std::make_unique<RubberBandStream>(
      MakeStretcher(sample_rate, semitones, formant_scale, /*realtime=*/true), /*time_ratio=*/1.0);
}

VoiceShifter::~VoiceShifter() = default;
VoiceShifter::VoiceShifter(VoiceShifter&& other) noexcept = default;
VoiceShifter& VoiceShifter::operator=(VoiceShifter&& other) noexcept = default;

std::vector<float> VoiceShifter::Process(const float* samples, std::size_t count) {
  if (!stream_) return std::vector<float>(samples, samples + count);
  return stream_->Process(samples, count);
}

std::vector<float> VoiceShifter::Flush() {
  return stream_ ? stream_->Flush() : std::vector<float>{};
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
