// Fundamental-frequency (F0) tracking of speech with YIN (de Cheveigné &
// Kawahara 2002): cumulative-mean-normalised difference function, absolute
// threshold, parabolic refinement. A frame is voiced when it is periodic
// (YIN dip low enough) and loud enough relative to the utterance. An octave
// guard then re-checks frames that sit an octave away from the utterance's
// median and takes the candidate at the median's octave when YIN also finds a
// dip there.
//
// Works at any rate: input is resampled to 16 kHz first. Stateless and
// thread-safe; Estimate() allocates per call.
#pragma once

#include <vector>

#include "audio/audio-buffer.h"

namespace mv {

struct PitchOptions {
  double min_f0 = 60.0;
  double max_f0 = 500.0;
  double frame_seconds = 0.04;  // analysis frame (holds the lag range + window)
  double hop_seconds = 0.01;
  // YIN absolute threshold on the normalised difference: lower = stricter.
  double yin_threshold = 0.15;
  // A frame is periodic enough to be voiced when its best dip is below this.
  double voicing_threshold = 0.3;
  // Frames quieter than this (dB relative to the loudest frame) are unvoiced.
  double relative_silence_db = -35.0;
  // ... and frames whose RMS is below this absolute floor (~ -60 dBFS).
  double absolute_silence_rms = 1e-3;

  void Validate() const;  // throws mv::Error kInvalidInput
};

struct PitchFrame {
  double time_seconds = 0.0;  // frame centre
  double f0 = 0.0;            // Hz; 0 when unvoiced
  double aperiodicity = 1.0;  // YIN dip depth at f0: 0 = perfectly periodic
  double rms = 0.0;
  bool voiced = false;
};

struct PitchTrack {
  std::vector<PitchFrame> frames;
  double median_f0 = 0.0;        // over voiced frames; 0 when none
  double voiced_fraction = 0.0;  // voiced frames / all frames
  double voiced_seconds = 0.0;   // voiced frames * hop
  double hop_seconds = 0.01;
};

class PitchEstimator {
 public:
  static constexpr int kAnalysisRate = 16000;

  explicit PitchEstimator(PitchOptions options = {});

  PitchTrack Estimate(const AudioBuffer& audio) const;

  const PitchOptions& options() const { return options_; }

 private:
  PitchOptions options_;
};

}  // namespace mv
