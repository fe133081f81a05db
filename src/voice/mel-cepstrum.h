// Mel-frequency cepstral coefficients (MFCC), the classical short-term
// spectral-envelope features of speaker recognition: 25 ms Hamming frames of
// pre-emphasised 16 kHz audio, a 512-point power spectrum, triangular mel
// filters, log, DCT-II. Frames are centred on given times, so they line up
// with PitchEstimator's frames (which are centred too).
//
// c0 (loudness) is dropped: level says nothing about who speaks.
// Stateless apart from tables built in the constructor; Compute() is
// thread-safe.
#pragma once

#include <vector>

#include "audio/audio-buffer.h"

namespace mv {

struct MelCepstrumOptions {
  int mel_bands = 40;
  int coefficients = 19;  // c1..c19
  double low_hz = 60.0;
  double high_hz = 7600.0;
  double frame_seconds = 0.025;
  double pre_emphasis = 0.97;

  void Validate() const;  // throws mv::Error kInvalidInput
};

class MelCepstrum {
 public:
  static constexpr int kAnalysisRate = 16000;

  explicit MelCepstrum(MelCepstrumOptions options = {});

  // One vector of options.coefficients per centre time; `audio` must be at
  // kAnalysisRate. Frames reaching past either end are zero-padded.
  std::vector<std::vector<float>> Compute(const AudioBuffer& audio,
                                          const std::vector<double>& centres_seconds) const;

  const MelCepstrumOptions& options() const { return options_; }

 private:
  MelCepstrumOptions options_;
  int frame_ = 0;
  std::vector<float> window_;
  // Per mel band: first FFT bin and its triangular weights.
  std::vector<int> band_start_;
  std::vector<std::vector<float>> band_weights_;
  std::vector<std::vector<float>> dct_;  // [coefficient][band]
};

}  // namespace mv
