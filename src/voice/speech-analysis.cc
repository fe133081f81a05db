#include "voice/speech-analysis.h"

#include <algorithm>
#include <cmath>

#include "audio/resampler.h"

namespace mv {

SpeechAnalysis AnalyzeSpeech(const AudioBuffer& audio, const PitchOptions& options) {
  SpeechAnalysis out;
  out.audio = audio.sample_rate == PitchEstimator::kAnalysisRate
                  ? audio
                  : Resample(audio, PitchEstimator::kAnalysisRate);
  out.track = PitchEstimator(options).Estimate(out.audio);
  return out;
}

AudioBuffer SpeechAnalysis::SpeechOnly(double pad_seconds) const {
  const double rate = audio.sample_rate;
  const long n = static_cast<long>(audio.samples.size());
  std::vector<bool> keep(audio.samples.size(), false);
  for (const PitchFrame& f : track.frames) {
    if (!f.voiced) continue;
    const long lo =
        std::max(0L, std::lround((f.time_seconds - track.hop_seconds / 2 - pad_seconds) * rate));
    const long hi =
        std::min(n, std::lround((f.time_seconds + track.hop_seconds / 2 + pad_seconds) * rate));
    for (long i = lo; i < hi; ++i) keep[i] = true;
  }
  AudioBuffer speech;
  speech.sample_rate = audio.sample_rate;
  for (long i = 0; i < n; ++i) {
    if (keep[i]) speech.samples.push_back(audio.samples[i]);
  }
  return speech;
}

}  // namespace mv
