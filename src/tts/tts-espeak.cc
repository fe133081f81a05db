#include "tts/tts-espeak.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "common/error.h"
#include "tts/tts-names.h"

namespace mv {
namespace {

using tts_internal::JoinNames;
using tts_internal::LowerAscii;

// espeak-ng hands over audio every ~50 ms of speech; chunks we pass on are
// the same size.
constexpr int kChunkMillis = 50;

// Serialises every call into espeak-ng after initialisation: the library
// keeps the current voice, synthesis buffers and the synth callback in
// globals and is not thread-safe. Also guards Library::current_voice and
// g_active.
std::mutex g_espeak_mutex;

// What the synth callback fills for the request holding g_espeak_mutex.
struct SynthState {
  const CancelToken* cancel;
  std::vector<short> pcm;
  bool cancelled = false;
};
SynthState* g_active = nullptr;  // see g_espeak_mutex

struct Library {
  int sample_rate = 0;
  std::vector<std::string> short_names;            // "cmn", "en-us", ... sorted
  std::set<std::string> accepted;                  // short names and identifiers, lower case
  std::map<std::string, std::string> by_language;  // "zh" -> "cmn"
  std::string current_voice;                       // see g_espeak_mutex
};

std::string StatusMessage(espeak_ng_STATUS status) {
  char buffer[512] = {0};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
  return buffer;
}

int OnSynth(short* wav, int count, espeak_EVENT* /*events*/) {
  SynthState* state = g_active;
  if (state == nullptr) return 1;
  if (state->cancel->IsCancelled()) {
    state->cancelled = true;
    return 1;  // abort synthesis
  }
  if (wav != nullptr && count > 0) state->pcm.insert(state->pcm.end(), wav, wav + count);
  return 0;
}

[[noreturn]] void ThrowCancelled() {
  throw Error(ErrorKind::kCancelled, "cancelled", "espeak-ng: synthesis cancelled");
}

void LoadVoiceList(Library& lib) {
  // Lower priority value = better match for a language.
  std::map<std::string, int> best_priority;
  for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v != nullptr && *v != nullptr; ++v) {
    const std::string identifier = LowerAscii((*v)->identifier ? (*v)->identifier : "");
    if (identifier.empty()) continue;
    const std::string short_name = identifier.substr(identifier.rfind('/') + 1);
    lib.short_names.push_back(short_name);
    lib.accepted.insert(short_name);
    lib.accepted.insert(identifier);
    // languages: repeated {priority byte, NUL-terminated tag}, then a 0 byte.
    for (const char* p = (*v)->languages; p != nullptr && *p != 0; p += std::strlen(p + 1) + 2) {
      const int priority = static_cast<unsigned char>(*p);
      const std::string tag = LowerAscii(p + 1);
      auto it = best_priority.find(tag);
      if (it == best_priority.end() || priority < it->second) {
        best_priority[tag] = priority;
        lib.by_language[tag] = short_name;
      }
    }
  }
  lib.by_language["zh"] = "cmn";  // Mandarin rather than Cantonese or pinyin-only
  std::sort(lib.short_names.begin(), lib.short_names.end());
  lib.short_names.erase(std::unique(lib.short_names.begin(), lib.short_names.end()),
                        lib.short_names.end());
}

Library Initialise() {
  espeak_ng_InitializePath(nullptr);
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status == ENS_OK) {
    status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, kChunkMillis, nullptr);
  }
  if (status != ENS_OK) {
    throw Error(ErrorKind::kUnavailable, "tts_unavailable",
                "espeak-ng failed to initialise: " + StatusMessage(status) +
                    " (is espeak-ng-data installed?)");
  }
  espeak_SetSynthCallback(OnSynth);
  Library lib;
  lib.sample_rate = espeak_ng_GetSampleRate();
  LoadVoiceList(lib);
  return lib;
}

// Throws kUnavailable when espeak-ng cannot start (and retries next call).
Library& GetLibrary() {
  static Library lib;
  static std::once_flag once;
  std::call_once(once, [] { lib = Initialise(); });
  return lib;
}

std::string BaseName(const std::string& voice) {  // "en+f3" -> "en"
  return LowerAscii(voice.substr(0, voice.find('+')));
}

[[noreturn]] void ThrowUnknownVoice(const std::string& name) {
  throw Error(ErrorKind::kInvalidInput, "unknown_voice",
              "espeak-ng: unknown voice '" + name +
                  "' (known: " + JoinNames(TtsEspeak::KnownVoices()) + ")");
}

}  // namespace

TtsEspeak::TtsEspeak(const TtsConfig& config) : language_(config.language), voice_(config.voice) {
  GetLibrary();
  if (!voice_.empty() && !IsVoice(voice_)) ThrowUnknownVoice(voice_);
}

const std::vector<std::string>& TtsEspeak::KnownVoices() { return GetLibrary().short_names; }

bool TtsEspeak::IsVoice(const std::string& name) {
  return GetLibrary().accepted.count(BaseName(name)) > 0;
}

std::string TtsEspeak::VoiceForLanguage(const std::string& language) {
  const Library& lib = GetLibrary();
  std::string tag = LowerAscii(language);
  std::replace(tag.begin(), tag.end(), '_', '-');
  while (!tag.empty()) {
    if (auto it = lib.by_language.find(tag); it != lib.by_language.end()) return it->second;
    if (lib.accepted.count(tag) > 0) return tag;
    const auto dash = tag.rfind('-');  // "zh-hans-cn" -> "zh-hans" -> "zh"
    tag = dash == std::string::npos ? "" : tag.substr(0, dash);
  }
  return "";
}

int TtsEspeak::SampleRate() { return GetLibrary().sample_rate; }

std::string TtsEspeak::ResolveVoice(const TtsRequest& request) const {
  if (!request.voice.empty()) return request.voice;
  const bool configured_language =
      request.language.empty() || LowerAscii(request.language) == LowerAscii(language_);
  if (configured_language && !voice_.empty()) return voice_;
  const std::string language = request.language.empty() ? language_ : request.language;
  std::string voice = VoiceForLanguage(language);
  if (voice.empty()) {
    throw Error(ErrorKind::kUnsupported, "unsupported_language",
                "espeak-ng has no voice for language '" + language + "'");
  }
  return voice;
}

void TtsEspeak::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                           const TtsChunkCallback& on_chunk) {
  const std::string voice = ResolveVoice(request);
  if (!IsVoice(voice)) ThrowUnknownVoice(voice);
  Library& lib = GetLibrary();
  SynthState state{&cancel, {}, false};
  espeak_ng_STATUS status;
  {
    std::lock_guard lock(g_espeak_mutex);
    if (cancel.IsCancelled()) ThrowCancelled();
    if (lib.current_voice != voice) {  // a voice switch reloads a dictionary: skip if unchanged
      status = espeak_ng_SetVoiceByName(voice.c_str());
      if (status != ENS_OK) {
        lib.current_voice.clear();
        throw Error(ErrorKind::kInvalidInput, "unknown_voice",
                    "espeak-ng: cannot load voice '" + voice + "': " + StatusMessage(status));
      }
      lib.current_voice = voice;
    }
    g_active = &state;
    status = espeak_ng_Synthesize(request.text.c_str(), request.text.size() + 1, 0, POS_CHARACTER,
                                  0, espeakCHARS_UTF8, nullptr, nullptr);
    g_active = nullptr;
  }
  if (state.cancelled) ThrowCancelled();
  if (status != ENS_OK) {
    throw Error(ErrorKind::kInternal, "tts_failed",
                "espeak-ng: synthesis failed: " + StatusMessage(status));
  }

  // Delivered outside the lock, so a slow consumer (network backpressure)
  // never stalls other requests and a callback may itself call into TTS.
  // espeak-ng runs ~500x faster than real time: holding the audio back until
  // the request's text is done delays the first chunk by ~1 ms per second of
  // speech (the pipeline sends one sentence at a time).
  const std::size_t chunk = static_cast<std::size_t>(lib.sample_rate) * kChunkMillis / 1000;
  std::vector<float> samples;
  for (std::size_t offset = 0; offset < state.pcm.size(); offset += chunk) {
    if (cancel.IsCancelled()) ThrowCancelled();
    const std::size_t n = std::min(chunk, state.pcm.size() - offset);
    samples.resize(n);
    for (std::size_t i = 0; i < n; ++i) samples[i] = state.pcm[offset + i] / 32768.0f;
    if (!on_chunk(samples.data(), n, lib.sample_rate)) ThrowCancelled();
  }
}

}  // namespace mv
