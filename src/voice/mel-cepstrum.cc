#include "voice/mel-cepstrum.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "common/error.h"

namespace mv {
namespace {

constexpr int kFftSize = 512;

double HzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double MelToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

// In-place iterative radix-2 FFT; n is a power of two.
void Fft(std::vector<std::complex<float>>& a) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = -2.0 * std::numbers::pi / static_cast<double>(len);
    const std::complex<float> step(static_cast<float>(std::cos(angle)),
                                   static_cast<float>(std::sin(angle)));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<float> w(1.0f, 0.0f);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const std::complex<float> u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= step;
      }
    }
  }
}

}  // namespace

void MelCepstrumOptions::Validate() const {
  auto bad = [](const char* what) {
    throw Error(ErrorKind::kInvalidInput, "bad_mfcc_options", std::string("mfcc options: ") + what);
  };
  if (mel_bands < 8 || mel_bands > 128) bad("mel_bands must be in [8, 128]");
  if (coefficients < 1 || coefficients >= mel_bands) bad("need 1 <= coefficients < mel_bands");
  if (!(low_hz >= 0.0) || !(high_hz > low_hz) || high_hz > MelCepstrum::kAnalysisRate / 2.0)
    bad("need 0 <= low_hz < high_hz <= 8000");
  if (!(frame_seconds >= 0.01) || frame_seconds * MelCepstrum::kAnalysisRate > kFftSize)
    bad("frame_seconds must be in [0.01, 0.032]");
  if (!(pre_emphasis >= 0.0 && pre_emphasis < 1.0)) bad("pre_emphasis must be in [0, 1)");
}

MelCepstrum::MelCepstrum(MelCepstrumOptions options) : options_(options) {
  options_.Validate();
  frame_ = static_cast<int>(std::lround(options_.frame_seconds * kAnalysisRate));
  window_.resize(frame_);
  for (int i = 0; i < frame_; ++i)
    window_[i] =
        static_cast<float>(0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * i / (frame_ - 1)));

  const int bands = options_.mel_bands;
  const double mel_lo = HzToMel(options_.low_hz), mel_hi = HzToMel(options_.high_hz);
  std::vector<double> edges(bands + 2);  // in FFT bins (fractional)
  for (int i = 0; i < bands + 2; ++i) {
    edges[i] = MelToHz(mel_lo + (mel_hi - mel_lo) * i / (bands + 1)) * kFftSize / kAnalysisRate;
  }
  band_start_.resize(bands);
  band_weights_.resize(bands);
  for (int b = 0; b < bands; ++b) {
    const double lo = edges[b], mid = edges[b + 1], hi = edges[b + 2];
    const int first = static_cast<int>(std::ceil(lo));
    band_start_[b] = first;
    for (int k = first; k <= static_cast<int>(std::floor(hi)) && k <= kFftSize / 2; ++k) {
      const double w =
          k <= mid ? (k - lo) / std::max(mid - lo, 1e-9) : (hi - k) / std::max(hi - mid, 1e-9);
      band_weights_[b].push_back(static_cast<float>(std::max(0.0, w)));
    }
    // A band narrower than one bin still needs a weight: the nearest bin.
    if (band_weights_[b].empty()) {
      band_start_[b] = static_cast<int>(std::lround(mid));
      band_weights_[b].push_back(1.0f);
    }
  }
  dct_.assign(options_.coefficients, std::vector<float>(bands));
  for (int c = 0; c < options_.coefficients; ++c) {
    for (int b = 0; b < bands; ++b) {
      dct_[c][b] = static_cast<float>(std::sqrt(2.0 / bands) *
                                      std::cos(std::numbers::pi * (c + 1) * (b + 0.5) / bands));
    }
  }
}

std::vector<std::vector<float>> MelCepstrum::Compute(
    const AudioBuffer& audio, const std::vector<double>& centres_seconds) const {
  if (audio.sample_rate != kAnalysisRate)
    throw Error(ErrorKind::kInvalidInput, "bad_rate", "MelCepstrum needs 16 kHz audio");
  const std::vector<float>& x = audio.samples;
  const long n = static_cast<long>(x.size());
  const float pre = static_cast<float>(options_.pre_emphasis);
  std::vector<std::vector<float>> out;
  out.reserve(centres_seconds.size());
  std::vector<std::complex<float>> spectrum(kFftSize);
  std::vector<float> power(kFftSize / 2 + 1), log_mel(options_.mel_bands);
  for (double centre : centres_seconds) {
    const long start = std::lround(centre * kAnalysisRate) - frame_ / 2;
    auto sample = [&](long i) { return i >= 0 && i < n ? x[i] : 0.0f; };
    for (int i = 0; i < kFftSize; ++i) {
      float v = 0.0f;
      if (i < frame_) v = (sample(start + i) - pre * sample(start + i - 1)) * window_[i];
      spectrum[i] = {v, 0.0f};
    }
    Fft(spectrum);
    for (int k = 0; k <= kFftSize / 2; ++k) power[k] = std::norm(spectrum[k]);
    for (int b = 0; b < options_.mel_bands; ++b) {
      double e = 0.0;
      for (std::size_t j = 0; j < band_weights_[b].size(); ++j)
        e += band_weights_[b][j] * power[band_start_[b] + j];
      log_mel[b] = static_cast<float>(std::log(e + 1e-10));  // floor ~ -100 dB
    }
    std::vector<float> c(options_.coefficients);
    for (int i = 0; i < options_.coefficients; ++i) {
      double s = 0.0;
      for (int b = 0; b < options_.mel_bands; ++b) s += dct_[i][b] * log_mel[b];
      c[i] = static_cast<float>(s);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mv
