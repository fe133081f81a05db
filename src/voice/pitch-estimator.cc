#include "voice/pitch-estimator.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "audio/resampler.h"
#include "common/error.h"

namespace mv {
namespace {

struct Geometry {
  std::size_t frame = 0;  // samples per analysis frame
  std::size_t hop = 0;
  std::size_t window = 0;  // YIN integration window
  std::size_t tau_min = 0;
  std::size_t tau_max = 0;
};

Geometry MakeGeometry(const PitchOptions& o) {
  const double rate = PitchEstimator::kAnalysisRate;
  Geometry g;
  g.frame = static_cast<std::size_t>(std::lround(o.frame_seconds * rate));
  g.hop = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(o.hop_seconds * rate)));
  g.tau_min = std::max<std::size_t>(2, static_cast<std::size_t>(std::floor(rate / o.max_f0)));
  g.tau_max = static_cast<std::size_t>(std::ceil(rate / o.min_f0));
  g.window = g.frame - g.tau_max;  // Validate() keeps frame > tau_max
  return g;
}

// YIN's cumulative-mean-normalised difference d'(tau) for tau in [0, tau_max]
// over x[0, window + tau_max). Direct O(window * tau_max): cheap at 16 kHz.
void Cmnd(const float* x, const Geometry& g, std::vector<float>& out) {
  out.assign(g.tau_max + 1, 1.0f);
  double running = 0.0;
  for (std::size_t tau = 1; tau <= g.tau_max; ++tau) {
    double d = 0.0;
    for (std::size_t j = 0; j < g.window; ++j) {
      const double diff = static_cast<double>(x[j]) - x[j + tau];
      d += diff * diff;
    }
    running += d;
    out[tau] = running > 0.0 ? static_cast<float>(d * static_cast<double>(tau) / running) : 1.0f;
  }
}

// Descends from `tau` to the bottom of its dip.
std::size_t DipBottom(const std::vector<float>& d, std::size_t tau, std::size_t tau_max) {
  while (tau + 1 <= tau_max && d[tau + 1] < d[tau]) ++tau;
  return tau;
}

// Sub-sample lag of the dip at `tau` (parabola through its neighbours).
double RefineLag(const std::vector<float>& d, std::size_t tau) {
  if (tau == 0 || tau + 1 >= d.size()) return static_cast<double>(tau);
  const double a = d[tau - 1], b = d[tau], c = d[tau + 1];
  const double denom = a - 2.0 * b + c;
  if (denom <= 1e-12) return static_cast<double>(tau);
  const double shift = 0.5 * (a - c) / denom;
  return static_cast<double>(tau) + std::clamp(shift, -0.5, 0.5);
}

// The deepest dip of d' within [lo, hi] (clamped to the lag range).
std::size_t BestDipIn(const std::vector<float>& d, double lo, double hi, const Geometry& g) {
  const std::size_t a = std::max(g.tau_min, static_cast<std::size_t>(std::floor(lo)));
  const std::size_t b = std::min(g.tau_max, static_cast<std::size_t>(std::ceil(hi)));
  std::size_t best = 0;
  for (std::size_t tau = a; tau <= b; ++tau) {
    if (best == 0 || d[tau] < d[best]) best = tau;
  }
  return best;
}

struct Pick {
  double lag = 0.0;
  double aperiodicity = 1.0;
};

Pick PickLag(const std::vector<float>& d, const Geometry& g, double threshold) {
  std::size_t chosen = 0;
  for (std::size_t tau = g.tau_min; tau <= g.tau_max; ++tau) {
    if (d[tau] < threshold) {
      chosen = DipBottom(d, tau, g.tau_max);
      break;
    }
  }
  // Nothing under the threshold: YIN falls back to the global minimum.
  if (chosen == 0) chosen = BestDipIn(d, g.tau_min, g.tau_max, g);
  return {RefineLag(d, chosen), d[chosen]};
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + mid));
  return m;
}

double VoicedMedian(const std::vector<PitchFrame>& frames) {
  std::vector<double> f0s;
  for (const auto& f : frames) {
    if (f.voiced) f0s.push_back(f.f0);
  }
  return Median(std::move(f0s));
}

}  // namespace

void PitchOptions::Validate() const {
  auto bad = [](const std::string& what) {
    throw Error(ErrorKind::kInvalidInput, "bad_pitch_options", "pitch options: " + what);
  };
  if (!(min_f0 > 20.0) || !(max_f0 > min_f0) || max_f0 > PitchEstimator::kAnalysisRate / 4.0) {
    bad("need 20 < min_f0 < max_f0 <= 4000 Hz");
  }
  if (!(hop_seconds > 0.0)) bad("hop_seconds must be > 0");
  // The frame must hold the longest lag plus a window of at least half of it.
  if (!(frame_seconds >= 1.5 / min_f0)) bad("frame_seconds must be >= 1.5 / min_f0");
  if (!(yin_threshold > 0.0 && yin_threshold < 1.0)) bad("yin_threshold must be in (0, 1)");
  if (!(voicing_threshold > 0.0 && voicing_threshold < 1.0)) {
    bad("voicing_threshold must be in (0, 1)");
  }
}

PitchEstimator::PitchEstimator(PitchOptions options) : options_(options) { options_.Validate(); }

PitchTrack PitchEstimator::Estimate(const AudioBuffer& input) const {
  const AudioBuffer audio =
      input.sample_rate == kAnalysisRate ? input : Resample(input, kAnalysisRate);
  const Geometry g = MakeGeometry(options_);
  const std::vector<float>& x = audio.samples;

  PitchTrack track;
  track.hop_seconds = static_cast<double>(g.hop) / kAnalysisRate;
  if (x.size() < g.frame) return track;

  const std::size_t count = (x.size() - g.frame) / g.hop + 1;
  track.frames.resize(count);
  std::vector<float> d;
  double loudest = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const float* frame = x.data() + i * g.hop;
    PitchFrame& f = track.frames[i];
    f.time_seconds = (static_cast<double>(i * g.hop) + 0.5 * g.frame) / kAnalysisRate;
    double energy = 0.0;
    for (std::size_t j = 0; j < g.frame; ++j) energy += static_cast<double>(frame[j]) * frame[j];
    f.rms = std::sqrt(energy / static_cast<double>(g.frame));
    loudest = std::max(loudest, f.rms);
    if (f.rms < options_.absolute_silence_rms) continue;  // skip the YIN cost on silence
    Cmnd(frame, g, d);
    const Pick pick = PickLag(d, g, options_.yin_threshold);
    f.f0 = kAnalysisRate / pick.lag;
    f.aperiodicity = pick.aperiodicity;
  }

  const double floor_rms = std::max(options_.absolute_silence_rms,
                                    loudest * std::pow(10.0, options_.relative_silence_db / 20.0));
  for (auto& f : track.frames) {
    f.voiced = f.f0 > 0.0 && f.aperiodicity < options_.voicing_threshold && f.rms >= floor_rms &&
               f.f0 >= options_.min_f0 * 0.97 && f.f0 <= options_.max_f0 * 1.03;
    if (!f.voiced) f.f0 = 0.0;
  }

  // Octave guard. YIN's typical slip is a dip at half the period (a strong
  // second harmonic, F1 near 2*F0) or, less often, at twice it. Frames about
  // an octave away from the utterance median take the dip at the median's
  // octave when there is one; otherwise they are dropped as unreliable.
  const double median = VoicedMedian(track.frames);
  if (median > 0.0) {
    for (std::size_t i = 0; i < count; ++i) {
      PitchFrame& f = track.frames[i];
      if (!f.voiced) continue;
      const double ratio = f.f0 / median;
      if (ratio < 1.7 && ratio > 1.0 / 1.7) continue;
      Cmnd(x.data() + i * g.hop, g, d);
      const double lag = kAnalysisRate / f.f0;
      const double factor = ratio >= 1.7 ? std::round(ratio) : 1.0 / std::round(1.0 / ratio);
      const double target = lag * factor;
      const std::size_t tau = BestDipIn(d, target * 0.9, target * 1.1, g);
      if (tau != 0 && d[tau] < options_.voicing_threshold) {
        f.f0 = kAnalysisRate / RefineLag(d, tau);
        f.aperiodicity = d[tau];
      } else {
        f.voiced = false;
        f.f0 = 0.0;
      }
    }
  }

  std::size_t voiced = 0;
  for (const auto& f : track.frames) voiced += f.voiced ? 1 : 0;
  track.median_f0 = VoicedMedian(track.frames);
  track.voiced_fraction = static_cast<double>(voiced) / static_cast<double>(count);
  track.voiced_seconds = static_cast<double>(voiced) * track.hop_seconds;
  return track;
}

}  // namespace mv
