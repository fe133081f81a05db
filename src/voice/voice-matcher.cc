#include "voice/voice-matcher.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/error.h"

namespace mv {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "zh-CN" -> "zh"; "english" -> "en".
std::string PrimaryLanguage(const std::string& language) {
  std::string lower = Lower(language);
  if (lower.empty() || lower == "english") return "en";
  if (lower == "chinese" || lower == "mandarin" || lower == "cmn") return "zh";
  return lower.substr(0, lower.find_first_of("-_"));
}

double Semitones(double ratio) { return 12.0 * std::log2(ratio); }

// Audio of one synthesis, at the engine's rate (chunks of one rate assumed).
AudioBuffer Collect(Tts& tts, const TtsRequest& request) {
  AudioBuffer out;
  tts.Synthesize(request, CancelToken{}, [&](const float* samples, std::size_t count, int rate) {
    out.sample_rate = rate;
    out.samples.insert(out.samples.end(), samples, samples + count);
    return true;
  });
  return out;
}

}  // namespace

std::string VoiceMatch::ToString() const {
  char text[200];
  std::snprintf(text, sizeof text,
                "voice=%s shift=%+.2fst formant=%.3f base_f0=%.1fHz target_f0=%.1fHz "
                "expected_f0=%.1fHz%s",
                voice.empty() ? "(default)" : voice.c_str(), pitch_semitones, formant_scale,
                base_f0, target_f0, expected_f0, clamped ? " clamped" : "");
  return text;
}

void VoiceMatcherOptions::Validate() const {
  auto bad = [](const char* what) {
    throw Error(ErrorKind::kInvalidInput, "bad_voice_options",
                std::string("voice matcher: ") + what);
  };
  if (!(max_shift_up >= 0.0 && max_shift_up <= 12.0)) bad("max_shift_up must be in [0, 12]");
  if (!(max_shift_down >= 0.0 && max_shift_down <= 12.0)) bad("max_shift_down must be in [0, 12]");
  if (!(tract_weight >= 0.0)) bad("tract_weight must be >= 0");
  if (!(max_formant_change >= 0.0 && max_formant_change <= 0.3)) {
    bad("max_formant_change must be in [0, 0.3]");
  }
  profile.Validate();
}

VoiceMatcher::VoiceMatcher(Tts& tts, VoiceMatcherOptions options)
    : tts_(tts), options_(std::move(options)) {
  options_.Validate();
}

std::vector<std::string> VoiceMatcher::DefaultCandidates(const std::vector<std::string>& voices,
                                                         const std::string& language) {
  const std::string primary = PrimaryLanguage(language);
  std::vector<std::string> out;
  // kal (8 kHz) is left out: band-limited, and kal16 is the same speaker.
  if (primary == "en") {
    for (const char* v : {"slt", "rms", "awb", "kal16"}) {
      if (Has(voices, v)) out.push_back(v);
    }
    if (!out.empty()) return out;
  }
  std::string base = primary == "zh" ? "cmn" : Lower(language);
  if (!Has(voices, base)) base = primary;
  if (!Has(voices, base)) return {""};
  // espeak-ng's variants: m* lower and rougher, f* higher-pitched, shorter tract.
  for (const char* variant : {"", "+m1", "+m3", "+m8", "+f1", "+f2", "+f3", "+f5"}) {
    out.push_back(base + variant);
  }
  return out;
}

std::string VoiceMatcher::DefaultCalibrationText(const std::string& language) {
  // Long enough for ~2 s of voiced speech; ordinary vowels, no questions
  // (a rising end would bias the median).
  if (PrimaryLanguage(language) == "zh")
    return "今天天气很好，我们一起去公园散步，然后回家吃晚饭。";
  return "The weather is fine today, so we will walk to the market and buy some bread and "
         "apples for lunch.";
}

std::vector<BaseVoice> VoiceMatcher::Measure() const {
  std::vector<std::string> names = options_.candidates;
  if (names.empty()) names = DefaultCandidates(tts_.Voices(), options_.language);
  TtsRequest request;
  request.language = options_.language;
  request.text = options_.calibration_text.empty() ? DefaultCalibrationText(options_.language)
                                                   : options_.calibration_text;
  std::vector<BaseVoice> measured;
  std::string failures;
  for (const std::string& name : names) {
    request.voice = name;
    try {
      measured.push_back({name, EstimateVoiceProfile(Collect(tts_, request), options_.profile)});
    } catch (const Error& e) {
      // One unusable voice (unknown name, too little speech) must not
      // disable matching; only all of them failing does.
      failures +=
          (failures.empty() ? "" : "; ") + (name.empty() ? "(default)" : name) + ": " + e.what();
    }
  }
  if (measured.empty()) {
    throw Error(ErrorKind::kUnavailable, "no_base_voice",
                "voice matching: no base voice could be measured (" + failures + ")");
  }
  return measured;
}

void VoiceMatcher::Calibrate() const {
  std::lock_guard lock(mutex_);
  if (calibrated_) return;
  measured_ = Measure();
  calibrated_ = true;
}

const std::vector<BaseVoice>& VoiceMatcher::BaseVoices() const {
  Calibrate();
  return measured_;  // never written again once calibrated
}

VoiceMatch VoiceMatcher::Match(const VoiceProfile& caller) const {
  if (!(caller.median_f0 > 0.0)) {
    throw Error(ErrorKind::kInvalidInput, "not_enough_speech", "voice matching: caller F0 unknown");
  }
  const double up = options_.max_shift_up, down = options_.max_shift_down;
  const BaseVoice* best = nullptr;
  double best_cost = std::numeric_limits<double>::infinity();
  for (const BaseVoice& base : BaseVoices()) {
    const double shift = Semitones(caller.median_f0 / base.profile.median_f0);
    const double beyond = std::max({0.0, shift - up, -down - shift});
    double tract = 0.0;  // unknown on either side: F0 alone decides
    if (caller.vocal_tract_scale > 0.0 && base.profile.vocal_tract_scale > 0.0) {
      tract = Semitones(caller.vocal_tract_scale / base.profile.vocal_tract_scale);
    }
    const double cost =
        shift * shift + options_.tract_weight * tract * tract + 100.0 * beyond * beyond;
    if (cost < best_cost) {
      best_cost = cost;
      best = &base;
    }
  }

  VoiceMatch match;
  match.voice = best->name;
  match.base_f0 = best->profile.median_f0;
  match.target_f0 = caller.median_f0;
  const double wanted = Semitones(caller.median_f0 / match.base_f0);
  match.pitch_semitones = std::clamp(wanted, -down, up);
  match.clamped = match.pitch_semitones != wanted;
  match.expected_f0 = match.base_f0 * std::pow(2.0, match.pitch_semitones / 12.0);
  const double change = options_.max_formant_change;
  if (change > 0.0 && caller.vocal_tract_scale > 0.0 && best->profile.vocal_tract_scale > 0.0) {
    match.formant_scale = std::clamp(caller.vocal_tract_scale / best->profile.vocal_tract_scale,
                                     1.0 / (1.0 + change), 1.0 + change);
  }
  return match;
}

}  // namespace mv
