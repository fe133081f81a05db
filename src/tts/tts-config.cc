#include "tts/tts-config.h"

#include <algorithm>
#include <sstream>

#include "common/config-check.h"
#include "common/error.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "tts/tts-names.h"

namespace mv {
namespace {

using tts_internal::JoinNames;

constexpr int kMaxParallelism = 64;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

std::string EngineList() {
  std::string out;
  for (const std::string& e : TtsConfig::KnownEngines()) {
    out += (out.empty() ? "" : ", ") + (e.empty() ? std::string("\"\" (route by language)") : e);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& TtsConfig::KnownEngines() {
  static const std::vector<std::string> engines = {"flite",      "espeak", "gpt-sovits",
                                                    "xtts",       "openai-speech", ""};
  return engines;
}

void TtsConfig::Validate() const {
  const auto& known = KnownEngines();
  if (std::find(known.begin(), known.end(), engine) == known.end()) {
    Invalid("tts.engine: unknown engine '" + engine + "' (known: " + EngineList() + ")");
  }
  if (language.empty()) Invalid("tts.language: must not be empty");
  if (engine == "flite" && !tts_internal::IsEnglish(language)) {
    Invalid("tts.language: flite speaks English only (got '" + language +
            "'); use tts.engine \"\" to route other languages to espeak-ng");
  }
  if (parallelism < 1 || parallelism > kMaxParallelism) {
    Invalid("tts.parallelism: must be between 1 and " + std::to_string(kMaxParallelism) + " (got " +
            std::to_string(parallelism) + ")");
  }
  if (IsRemote()) {
    for (std::size_t i = 0; i < remote.endpoints.size(); ++i) {  // HTTP only, unlike ASR pools
      CheckConfigUrl("tts.endpoints[" + std::to_string(i) + "].url", remote.endpoints[i].url);
    }
    remote.Validate("tts");
    if (engine == "gpt-sovits") gpt_sovits.Validate();
    if (engine == "xtts") xtts.Validate();
    if (engine == "openai-speech") openai_speech.Validate();
  }
  if (!voice.empty()) {
    const bool flite = TtsFlite::IsVoice(voice);
    if (engine == "flite" && !flite) {
      Invalid("tts.voice: unknown flite voice '" + voice +
              "' (known: " + JoinNames(TtsFlite::KnownVoices()) + ")");
    }
    if (engine == "espeak" && !TtsEspeak::IsVoice(voice)) {
      Invalid("tts.voice: unknown espeak-ng voice '" + voice +
              "' (known: " + JoinNames(TtsEspeak::KnownVoices()) + ")");
    }
    if (engine.empty() && !flite && !TtsEspeak::IsVoice(voice)) {
      Invalid("tts.voice: unknown voice '" + voice +
              "' (flite: " + JoinNames(TtsFlite::KnownVoices()) +
              "; espeak-ng: " + JoinNames(TtsEspeak::KnownVoices()) + ")");
    }
  }
}

std::string TtsConfig::ToString() const {
  std::ostringstream os;
  os << "TtsConfig(engine=" << (engine.empty() ? "\"\" (route by language)" : engine)
     << ", language=" << language << ", voice=" << (voice.empty() ? "(default)" : voice)
     << ", parallelism=" << parallelism;
  if (IsRemote()) os << ", endpoints=" << remote.endpoints.size();
  os << ", extra_ref_audio=[";
  bool first = true;
  for (const auto& [tag, ref] : extra_ref_audio) {
    os << (first ? "" : ", ") << tag;
    first = false;
  }
  os << "])";
  return os.str();
}

}  // namespace mv
