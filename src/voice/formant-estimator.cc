#include "voice/formant-estimator.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "audio/resampler.h"
#include "common/error.h"

namespace mv {
namespace {

constexpr double kFrameSeconds = 0.025;
constexpr double kMaxBandwidthHz = 500.0;
constexpr double kLagWindowHz = 60.0;
constexpr double kMinFormantHz = 200.0;  // below: glottal-source poles, not formants

// Predictor a[0..p] (a[0] = 1) from autocorrelation r[0..p]; empty on failure.
std::vector<double> LevinsonDurbin(const std::vector<double>& r, int p) {
  std::vector<double> a(p + 1, 0.0), prev(p + 1, 0.0);
  a[0] = 1.0;
  double err = r[0];
  if (err <= 0.0) return {};
  for (int i = 1; i <= p; ++i) {
    double acc = r[i];
    for (int j = 1; j < i; ++j) acc += a[j] * r[i - j];
    const double k = -acc / err;
    prev = a;
    for (int j = 1; j < i; ++j) a[j] = prev[j] + k * prev[i - j];
    a[i] = k;
    err *= 1.0 - k * k;
    if (err <= 0.0) return {};
  }
  return a;
}

// Roots of z^p + a[1] z^(p-1) + ... + a[p] by Durand-Kerner (Weierstrass)
// iteration: simple, and at order 12 it converges in a few dozen sweeps.
std::vector<std::complex<double>> PolynomialRoots(const std::vector<double>& a) {
  const int p = static_cast<int>(a.size()) - 1;
  auto eval = [&](std::complex<double> z) {
    std::complex<double> v = 1.0;
    for (int i = 1; i <= p; ++i) v = v * z + a[i];
    return v;
  };
  std::vector<std::complex<double>> roots(p);
  const std::complex<double> seed(0.4, 0.9);  // not a root of unity: avoids symmetric stalls
  for (int i = 0; i < p; ++i) roots[i] = std::pow(seed, i);
  for (int iter = 0; iter < 500; ++iter) {
    double moved = 0.0;
    for (int i = 0; i < p; ++i) {
      std::complex<double> denom = 1.0;
      for (int j = 0; j < p; ++j) {
        if (j != i) denom *= roots[i] - roots[j];
      }
      if (std::abs(denom) < 1e-300) denom = 1e-300;
      const std::complex<double> step = eval(roots[i]) / denom;
      roots[i] -= step;
      moved = std::max(moved, std::abs(step));
    }
    if (moved < 1e-12) break;
  }
  return roots;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  return v[mid];
}

}  // namespace

double Formants::Dispersion() const {
  if (!valid()) return 0.0;
  // argmin sum (F_k - (2k-1) dF)^2  =>  dF = sum (2k-1) F_k / sum (2k-1)^2.
  return (1.0 * f1 + 3.0 * f2 + 5.0 * f3) / (1.0 + 9.0 + 25.0);
}

FormantEstimator::FormantEstimator(int lpc_order) : order_(lpc_order) {
  if (order_ < 6 || order_ > 24) {
    throw Error(ErrorKind::kInvalidInput, "bad_lpc_order", "LPC order must be in [6, 24]");
  }
}

std::vector<double> FormantEstimator::FramePoles(const float* x, std::size_t n) const {
  if (n <= static_cast<std::size_t>(order_) + 1) return {};
  // Pre-emphasis (+6 dB/oct above ~50 Hz) flattens the glottal tilt so the
  // predictor spends its poles on formants; then a Hamming window.
  const double alpha = std::exp(-2.0 * std::numbers::pi * 50.0 / kAnalysisRate);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double emphasised = x[i] - (i > 0 ? alpha * x[i - 1] : 0.0);
    const double hamming =
        0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / (n - 1));
    w[i] = emphasised * hamming;
  }
  std::vector<double> r(order_ + 1, 0.0);
  for (int lag = 0; lag <= order_; ++lag) {
    for (std::size_t i = lag; i < n; ++i) r[lag] += w[i] * w[i - lag];
  }
  if (r[0] <= 1e-10) return {};
  r[0] *= 1.0 + 1e-9;  // white-noise floor keeps the recursion stable
  // Gaussian lag window (60 Hz, as speech codecs use): smooths the envelope
  // between harmonics so high voices do not grow poles between formants.
  for (int lag = 1; lag <= order_; ++lag) {
    const double a = 2.0 * std::numbers::pi * kLagWindowHz * lag / kAnalysisRate;
    r[lag] *= std::exp(-0.5 * a * a);
  }
  const std::vector<double> a = LevinsonDurbin(r, order_);
  if (a.empty()) return {};

  std::vector<double> poles;
  for (const auto& z : PolynomialRoots(a)) {
    if (z.imag() <= 0.0) continue;  // one of each conjugate pair
    const double freq = std::arg(z) * kAnalysisRate / (2.0 * std::numbers::pi);
    const double bandwidth = -std::log(std::abs(z)) * kAnalysisRate / std::numbers::pi;
    if (bandwidth > 0.0 && bandwidth < kMaxBandwidthHz && freq > 50.0 &&
        freq < kAnalysisRate / 2.0 - 50.0) {
      poles.push_back(freq);
    }
  }
  std::sort(poles.begin(), poles.end());
  return poles;
}

Formants FormantEstimator::Estimate(const AudioBuffer& input, const PitchTrack& track) const {
  const AudioBuffer audio =
      input.sample_rate == kAnalysisRate ? input : Resample(input, kAnalysisRate);
  const std::size_t frame = static_cast<std::size_t>(kFrameSeconds * kAnalysisRate);
  std::vector<double> f1s, f2s, f3s;
  for (const auto& f : track.frames) {
    if (!f.voiced) continue;
    const double start = f.time_seconds * kAnalysisRate - frame / 2.0;
    if (start < 0.0) continue;
    const auto begin = static_cast<std::size_t>(start);
    if (begin + frame > audio.samples.size()) continue;
    std::vector<double> poles = FramePoles(audio.samples.data() + begin, frame);
    poles.erase(
        std::remove_if(poles.begin(), poles.end(), [](double hz) { return hz < kMinFormantHz; }),
        poles.end());
    if (poles.size() < 3) continue;
    f1s.push_back(poles[0]);
    f2s.push_back(poles[1]);
    f3s.push_back(poles[2]);
  }
  Formants out;
  out.frames = static_cast<int>(f1s.size());
  out.f1 = Median(f1s);
  out.f2 = Median(f2s);
  out.f3 = Median(f3s);
  return out;
}

}  // namespace mv
