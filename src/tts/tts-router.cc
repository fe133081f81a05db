#include "tts/tts-router.h"

#include "common/error.h"
#include "tts/tts-names.h"

namespace mv {

using tts_internal::IsEnglish;

namespace {

TtsConfig WithVoice(TtsConfig config, std::string voice) {
  config.voice = std::move(voice);
  return config;
}

}  // namespace

TtsRouter::TtsRouter(const TtsConfig& config) : language_(config.language), voice_(config.voice) {
  const bool flite_voice = !voice_.empty() && TtsFlite::IsVoice(voice_);
  if (!voice_.empty() && !flite_voice && !TtsEspeak::IsVoice(voice_)) {
    throw Error(ErrorKind::kInvalidInput, "unknown_voice",
                "tts.voice: unknown voice '" + voice_ +
                    "' (flite: " + tts_internal::JoinNames(TtsFlite::KnownVoices()) +
                    "; or any espeak-ng voice, e.g. cmn, en-us, de)");
  }
  // Each engine gets the configured voice only when it is one of its own.
  flite_ = std::make_unique<TtsFlite>(WithVoice(config, flite_voice ? voice_ : ""));
  espeak_ = std::make_unique<TtsEspeak>(WithVoice(config, flite_voice ? "" : voice_));
}

std::string TtsRouter::EngineFor(const TtsRequest& request) const {
  if (!request.voice.empty()) return TtsFlite::IsVoice(request.voice) ? "flite" : "espeak";
  const std::string& language = request.language.empty() ? language_ : request.language;
  if (!IsEnglish(language)) return "espeak";
  // English: flite, unless the configured voice for English is an espeak-ng one.
  const bool configured_language = request.language.empty() || request.language == language_;
  if (configured_language && !voice_.empty() && !TtsFlite::IsVoice(voice_)) return "espeak";
  return "flite";
}

void TtsRouter::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                           const TtsChunkCallback& on_chunk) {
  if (EngineFor(request) == "flite") {
    // flite rejects non-English tags; a flite voice named explicitly wins.
    TtsRequest english = request;
    if (!IsEnglish(english.language)) english.language.clear();
    flite_->Synthesize(english, cancel, on_chunk);
  } else {
    espeak_->Synthesize(request, cancel, on_chunk);
  }
}

std::vector<std::string> TtsRouter::Voices() const {
  std::vector<std::string> voices = flite_->Voices();
  const std::vector<std::string> espeak = espeak_->Voices();
  voices.insert(voices.end(), espeak.begin(), espeak.end());
  return voices;
}

}  // namespace mv
