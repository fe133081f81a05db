// Mirror voice for engines that cannot clone (flite, espeak-ng): pick the base
// voice nearest to the caller's and the pitch shift that brings its median F0
// onto the caller's.
//
// Each candidate base voice is measured once (lazily, on the first Match(),
// or eagerly with Calibrate()) by synthesising a fixed calibration sentence
// and estimating its VoiceProfile. Distance, in semitone units:
//   d^2 = shift^2 + tract_weight * (12 log2(caller_tract / base_tract))^2
//         + 100 * (shift beyond the allowed range)^2
// so a voice whose F0 is reachable within the intelligibility limits wins,
// and among those the one with the nearer F0 and vocal-tract length.
//
// Shift limits, measured with pocketsphinx on flite voices shifted by
// Rubber Band (R3, formants preserved; WER over 46 words, unshifted 0-9%):
// down 6 semitones 2-7%, down 8 semitones 24-37% (unusable); up 8 semitones
// still 7-9% (but slt +5.8 on other texts: 12-25% against 7-11% unshifted).
// Hence down at most 5, up at most 7 by default: a closer base voice beats a
// bigger shift. Formant shifting is off by default: moving flite's formants
// by 8% cost up to 28 points of WER (slt raised: +17, rms lowered: +28),
// more than the likeness it buys.
//
// Ownership: the Tts is borrowed and must outlive the matcher. Match() and
// Calibrate() are thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "tts/tts.h"
#include "voice/voice-profile.h"

namespace mv {

struct BaseVoice {
  std::string name;  // as passed in TtsRequest::voice ("" = the engine's default)
  VoiceProfile profile;
};

struct VoiceMatch {
  std::string voice;             // base voice to synthesise with
  double pitch_semitones = 0.0;  // shift to apply to its audio
  double formant_scale = 1.0;    // net spectral-envelope factor (1 = keep the base's formants)
  double base_f0 = 0.0;          // the base voice's median F0 (calibration)
  double target_f0 = 0.0;        // the caller's median F0
  double expected_f0 = 0.0;      // base_f0 shifted: what the answer should measure
  bool clamped = false;          // the shift hit a limit; expected_f0 falls short of target_f0

  std::string ToString() const;
};

struct VoiceMatcherOptions {
  // Language of the answers: picks the default candidates and calibration text.
  std::string language = "en";
  // Base voices to consider; empty = DefaultCandidates(tts.Voices(), language).
  std::vector<std::string> candidates;
  // Empty = a built-in sentence in the language (English for most).
  std::string calibration_text;
  double max_shift_up = 7.0;    // semitones
  double max_shift_down = 5.0;  // semitones (a positive number)
  // Weight of the vocal-tract term against the F0 term of the distance.
  double tract_weight = 2.0;
  // Largest formant change applied (0.05 = +-5%); 0 = keep the base voice's.
  double max_formant_change = 0.0;
  VoiceProfileOptions profile;

  void Validate() const;  // throws mv::Error kInvalidInput
};

class VoiceMatcher {
 public:
  explicit VoiceMatcher(Tts& tts, VoiceMatcherOptions options = {});

  // Measures the candidates now (e.g. at startup) instead of on first use.
  // Throws mv::Error kUnavailable when no candidate can be synthesised.
  void Calibrate() const;
  // Calibrates if needed.
  VoiceMatch Match(const VoiceProfile& caller) const;
  // The measured candidates (calibrates if needed).
  const std::vector<BaseVoice>& BaseVoices() const;

  const VoiceMatcherOptions& options() const { return options_; }

  // Flite's 16 kHz voices (slt, rms, awb, kal16) for English when the engine
  // has them; otherwise the espeak-ng voice for the language ("zh" -> cmn)
  // with male and female variants; {""} (the engine's default) as last resort.
  static std::vector<std::string> DefaultCandidates(const std::vector<std::string>& voices,
                                                    const std::string& language);
  static std::string DefaultCalibrationText(const std::string& language);

 private:
  std::vector<BaseVoice> Measure() const;

  Tts& tts_;
  VoiceMatcherOptions options_;
  mutable std::mutex mutex_;  // guards measured_ and calibrated_; held while measuring
  mutable std::vector<BaseVoice> measured_;  // immutable once calibrated_ is set
  mutable bool calibrated_ = false;
};

}  // namespace mv
