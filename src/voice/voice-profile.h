// What mirror-voice matching needs to know about a voice: its median F0 and
// how long its vocal tract sounds.
//
// Method: F0 from PitchEstimator (YIN, median over voiced frames). Vocal-tract
// scale from FormantEstimator: median F1-F3 over voiced frames fitted to a
// uniform tube (formant dispersion dF, as in Reby & McComb's apparent vocal
// tract length); the scale is dF / 500 Hz, i.e. relative to a 17.5 cm tract
// (typical adult male ~0.95-1.05, adult female ~1.1-1.2, children higher).
// Limits: a short reference gives a rough scale (it depends on the vowels
// spoken); LPC degrades above F0 ~300 Hz and in noise. Treat differences
// under ~5% as noise. When too few frames give three formants the scale is 0
// ("unknown") and matching ignores it.
#pragma once

#include <string>

#include "audio/audio-buffer.h"
#include "voice/pitch-estimator.h"

namespace mv {

struct VoiceProfile {
  double median_f0 = 0.0;          // Hz
  double vocal_tract_scale = 0.0;  // formant scale vs a 17.5 cm tract; 0 = unknown
  double voiced_seconds = 0.0;     // how much voiced speech the figures rest on

  std::string ToString() const;
};

struct VoiceProfileOptions {
  PitchOptions pitch;
  // Less voiced speech than this is not a usable reference.
  double min_voiced_seconds = 0.3;
  // Fewer voiced frames with three formants than this leave the scale unknown.
  int min_formant_frames = 10;
  int lpc_order = 12;

  void Validate() const;
};

// Throws mv::Error kInvalidInput "not_enough_speech" when `reference` holds
// less than options.min_voiced_seconds of voiced speech. Thread-safe.
VoiceProfile EstimateVoiceProfile(const AudioBuffer& reference,
                                  const VoiceProfileOptions& options = {});

}  // namespace mv
