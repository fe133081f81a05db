// Pitch (and optionally formant) shifting of speech with Rubber Band
// (R3 "finer" engine, formant-preserving, time ratio 1.0), as a streaming
// filter: Process() takes chunks and returns what is ready, Flush() ends the
// stream. The output has exactly as many samples as the input, aligned with
// it (the stretcher's start delay is padded in and trimmed out); output lags
// input by about 0.1 s until Flush().
//
// `formant_scale` is the net factor applied to the spectral envelope: 1 keeps
// the input's formants whatever the pitch shift (formant preservation), 1.1
// raises them 10% (a shorter-sounding vocal tract).
//
// Not thread-safe (Rubber Band's stretcher is not): one per stream. Move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "audio/audio-buffer.h"

namespace mv {

class RubberBandStream;

class VoiceShifter {
 public:
  // Throws mv::Error kInvalidInput for a rate <= 0, |semitones| > 24 or a
  // formant_scale outside [0.5, 2].
  VoiceShifter(int sample_rate, double semitones, double formant_scale = 1.0);
  ~VoiceShifter();
  VoiceShifter(VoiceShifter&& other) noexcept;
  VoiceShifter& operator=(VoiceShifter&& other) noexcept;
  VoiceShifter(const VoiceShifter&) = delete;
  VoiceShifter& operator=(const VoiceShifter&) = delete;

  // Consumes all `count` samples; returns the shifted audio ready so far.
  std::vector<float> Process(const float* samples, std::size_t count);
  // Returns the rest. Process() may not follow.
  std::vector<float> Flush();

  // True when the shift is too small to matter and audio passes unchanged.
  bool passthrough() const { return stream_ == nullptr; }
  int sample_rate() const { return sample_rate_; }

 private:
  int sample_rate_;
  std::unique_ptr<RubberBandStream> stream_;  // null = passthrough
};

// Whole-buffer shift with Rubber Band's offline mode (studies the whole
// signal first; same length out as in). Thread-safe.
AudioBuffer ShiftVoice(const AudioBuffer& audio, double semitones, double formant_scale = 1.0);

}  // namespace mv
