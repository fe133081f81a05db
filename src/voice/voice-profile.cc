#include "voice/voice-profile.h"

#include <cstdio>

#include "audio/resampler.h"
#include "common/error.h"
#include "voice/formant-estimator.h"

namespace mv {
namespace {

constexpr double kNeutralDispersionHz = 500.0;  // 17.5 cm tube, c = 350 m/s

}  // namespace

std::string VoiceProfile::ToString() const {
  char text[128];
  std::snprintf(text, sizeof text, "f0=%.1fHz tract_scale=%.3f voiced=%.2fs", median_f0,
                vocal_tract_scale, voiced_seconds);
  return text;
}

void VoiceProfileOptions::Validate() const {
  pitch.Validate();
  if (!(min_voiced_seconds > 0.0)) {
    throw Error(ErrorKind::kInvalidInput, "bad_voice_options", "min_voiced_seconds must be > 0");
  }
}

VoiceProfile EstimateVoiceProfile(const AudioBuffer& reference,
                                  const VoiceProfileOptions& options) {
  options.Validate();
  const AudioBuffer audio = reference.sample_rate == PitchEstimator::kAnalysisRate
                                ? reference
                                : Resample(reference, PitchEstimator::kAnalysisRate);
  const PitchTrack track = PitchEstimator(options.pitch).Estimate(audio);
  if (track.voiced_seconds < options.min_voiced_seconds || track.median_f0 <= 0.0) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "the reference audio holds %.2f s of voiced speech; at least %.2f s is needed",
                  track.voiced_seconds, options.min_voiced_seconds);
    throw Error(ErrorKind::kInvalidInput, "not_enough_speech", text);
  }
  VoiceProfile profile;
  profile.median_f0 = track.median_f0;
  profile.voiced_seconds = track.voiced_seconds;
  const Formants formants = FormantEstimator(options.lpc_order).Estimate(audio, track);
  if (formants.valid() && formants.frames >= options.min_formant_frames) {
    profile.vocal_tract_scale = formants.Dispersion() / kNeutralDispersionHz;
  }
  return profile;
}

}  // namespace mv
