// Formant (F1-F3) estimation by linear prediction: per voiced frame, a
// pre-emphasised Hamming-windowed 25 ms slice at 10 kHz, autocorrelation LPC
// with a 60 Hz lag window (Levinson-Durbin, order 12 = 2 + rate/1 kHz), the roots of the predictor
// polynomial (Durand-Kerner), and the narrow-band poles above 200 Hz taken in
// order as F1, F2, F3. Medians over frames make the result robust to the
// frames where LPC locks onto a harmonic or merges two formants.
//
// Limits: LPC formants degrade for high voices (F0 > ~300 Hz: the envelope
// is sampled by few harmonics) and in noise or reverb; the per-utterance
// medians depend on which vowels were spoken, so a short utterance gives a
// rough figure. Good enough to tell long from short vocal tracts.
//
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "audio/audio-buffer.h"
#include "voice/pitch-estimator.h"

namespace mv {

struct Formants {
  double f1 = 0.0, f2 = 0.0, f3 = 0.0;  // Hz; 0 when not measured
  int frames = 0;                       // frames that gave all three

  bool valid() const { return frames > 0 && f1 > 0.0 && f2 > 0.0 && f3 > 0.0; }
  // Formant spacing of the uniform tube that fits F1-F3 best (least squares
  // on F_k = (2k - 1) * dF): c / (2 * dF) is the apparent vocal-tract length.
  double Dispersion() const;
};

class FormantEstimator {
 public:
  static constexpr int kAnalysisRate = 10000;

  explicit FormantEstimator(int lpc_order = 12);

  // Median F1-F3 over the voiced frames of `track`, measured on `audio`
  // (any rate; resampled to kAnalysisRate).
  Formants Estimate(const AudioBuffer& audio, const PitchTrack& track) const;

  // Pole frequencies in Hz (ascending) of one frame at kAnalysisRate whose
  // bandwidth is below 500 Hz. Exposed for tests.
  std::vector<double> FramePoles(const float* samples, std::size_t count) const;

 private:
  int order_;
};

}  // namespace mv
