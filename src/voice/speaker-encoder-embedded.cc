#include "voice/speaker-encoder-embedded.h"

#include <cmath>

#include "common/error.h"

namespace mv {
namespace {

constexpr int kCoefficients = 19;
constexpr int kPitchMean = 2 * kCoefficients;
constexpr int kPitchSpread = kPitchMean + 1;
constexpr int kVoiced = kPitchSpread + 1;
constexpr double kMinSpread = 1e-3;

double Semitones(double f0) { return 12.0 * std::log2(f0 / 100.0); }

}  // namespace

void EmbeddedSpeakerOptions::Validate() const {
  mfcc.Validate();
  if (mfcc.coefficients != kCoefficients)
    throw Error(ErrorKind::kInvalidInput, "bad_speaker_options",
                "embedded speaker encoder: mfcc.coefficients must be 19");
  if (!(mean_weight >= 0) || !(spread_weight >= 0) || !(pitch_weight >= 0) ||
      !(pitch_tolerance > 0) || !(d0 > 0))
    throw Error(ErrorKind::kInvalidInput, "bad_speaker_options",
                "embedded speaker encoder: weights must be >= 0, tolerance and d0 > 0");
}

SpeakerEncoderEmbedded::SpeakerEncoderEmbedded(double min_speech_seconds,
                                               EmbeddedSpeakerOptions options)
    : SpeakerEncoder(min_speech_seconds), options_(options), mfcc_(options.mfcc) {
  options_.Validate();
}

std::vector<float> SpeakerEncoderEmbedded::EmbedSpeech(const SpeechAnalysis& speech,
                                                       const CancelToken& cancel) const {
  std::vector<double> centres;
  double f0_sum = 0.0, f0_sq = 0.0;
  for (const PitchFrame& f : speech.track.frames) {
    if (!f.voiced) continue;
    centres.push_back(f.time_seconds);
    const double st = Semitones(f.f0);
    f0_sum += st;
    f0_sq += st * st;
  }
  if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
  const auto frames = mfcc_.Compute(speech.audio, centres);
  const double n = static_cast<double>(frames.size());
  std::vector<float> e(kDimensions, 0.0f);
  for (int c = 0; c < kCoefficients; ++c) {
    double sum = 0.0, sq = 0.0;
    for (const auto& f : frames) {
      sum += f[c];
      sq += static_cast<double>(f[c]) * f[c];
    }
    const double mean = sum / n;
    const double var = std::max(0.0, sq / n - mean * mean);
    e[c] = static_cast<float>(mean);
    e[kCoefficients + c] = static_cast<float>(std::log(std::max(std::sqrt(var), kMinSpread)));
  }
  const double f0_mean = f0_sum / n;
  e[kPitchMean] = static_cast<float>(f0_mean);
  e[kPitchSpread] = static_cast<float>(std::sqrt(std::max(0.0, f0_sq / n - f0_mean * f0_mean)));
  e[kVoiced] = static_cast<float>(speech.voiced_seconds());
  return e;
}

double SpeakerEncoderEmbedded::Distance2(const std::vector<float>& a,
                                         const std::vector<float>& b) const {
  if (a.size() != kDimensions || b.size() != kDimensions) return INFINITY;
  double mean = 0.0, spread = 0.0;
  for (int c = 0; c < kCoefficients; ++c) {
    const double sa = std::exp(a[kCoefficients + c]), sb = std::exp(b[kCoefficients + c]);
    const double diff = a[c] - b[c];
    mean += diff * diff / (0.5 * (sa * sa + sb * sb));
    const double ds = a[kCoefficients + c] - b[kCoefficients + c];
    spread += ds * ds;
  }
  const double pitch = (a[kPitchMean] - b[kPitchMean]) / options_.pitch_tolerance;
  return options_.mean_weight * mean / kCoefficients +
         options_.spread_weight * spread / kCoefficients + options_.pitch_weight * pitch * pitch;
}

double SpeakerEncoderEmbedded::Score(const std::vector<float>& a,
                                     const std::vector<float>& b) const {
  const double d2 = Distance2(a, b);
  if (!std::isfinite(d2)) return 0.0;
  return 1.0 / (1.0 + d2 / (options_.d0 * options_.d0));
}

}  // namespace mv
