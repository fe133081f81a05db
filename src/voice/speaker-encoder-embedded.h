// The embedded speaker encoder: classical features, no downloaded weights.
//
// Embedding (41 floats) over the voiced frames only (SpeechAnalysis):
//   [0, 19)   mean of MFCC c1..c19 (25 ms frames, 40 mel bands 60-7600 Hz)
//   [19, 38)  log standard deviation of each coefficient
//   38        mean F0 in semitones re 100 Hz (YIN), 39 its standard deviation
//   40        voiced seconds (weights nothing; kept for diagnostics)
// No cepstral mean normalisation: the mean is where most of the speaker's
// spectral envelope (vocal tract) lives in a pooled-statistics embedding;
// CMN would keep only the spread. The price is channel sensitivity: the same
// person through another microphone scores lower (use the remote engine with
// a neural model for real-world channels).
//
// Score: a normalised distance mapped to (0, 1]:
//   d^2 = w_mean   * mean_c (mu_a - mu_b)^2 / ((s_a^2 + s_b^2) / 2)
//       + w_spread * mean_c (ln s_a - ln s_b)^2
//       + w_pitch  * ((f0_a - f0_b) / pitch_tolerance)^2
//   score = 1 / (1 + d^2 / d0^2)
// i.e. mean differences are measured in units of the frame-to-frame spread
// each speaker shows anyway, so no background model is needed. Weights and
// d0 were set by hand on bench/speaker-bench.cc's two sets (no held-out data
// exists here): EER 0% on the flite/espeak-ng/pitch-shifted set (23 target,
// 305 impostor trials), 3.4% on 3 s pieces of real recordings (codec2
// samples, 8 talkers, one session each); the default threshold 0.5 sits at
// the real set's equal-error point. docs/voiceprint.md has the details.
#pragma once

#include "voice/mel-cepstrum.h"
#include "voice/speaker-encoder.h"

namespace mv {

struct EmbeddedSpeakerOptions {
  MelCepstrumOptions mfcc;
  double mean_weight = 1.0;
  double spread_weight = 0.5;
  double pitch_weight = 0.5;
  double pitch_tolerance = 2.0;  // semitones of mean F0 difference counted as 1
  double d0 = 0.9;               // distance at which the score is 0.5

  void Validate() const;
};

class SpeakerEncoderEmbedded : public SpeakerEncoder {
 public:
  static constexpr int kDimensions = 41;

  explicit SpeakerEncoderEmbedded(double min_speech_seconds = 1.0,
                                  EmbeddedSpeakerOptions options = {});

  std::string Name() const override { return "embedded"; }
  double Score(const std::vector<float>& a, const std::vector<float>& b) const override;
  double DefaultThreshold() const override { return 0.5; }

  // The squared distance behind Score() (for calibration).
  double Distance2(const std::vector<float>& a, const std::vector<float>& b) const;
  const EmbeddedSpeakerOptions& options() const { return options_; }

 protected:
  std::vector<float> EmbedSpeech(const SpeechAnalysis& speech,
                                 const CancelToken& cancel) const override;

 private:
  EmbeddedSpeakerOptions options_;
  MelCepstrum mfcc_;
};

}  // namespace mv
