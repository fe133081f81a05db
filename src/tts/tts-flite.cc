#include "tts/tts-flite.h"

#include <flite/flite.h>

#include <array>
#include <exception>
#include <memory>
#include <mutex>

#include "common/error.h"
#include "tts/tts-names.h"

// The voice libraries export their registration functions without a header.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_kal(const char* voxdir);
}

namespace mv {
namespace {

using tts_internal::IsEnglish;
using tts_internal::JoinNames;

struct FliteVoice {
  const char* name;
  cst_voice* (*registrar)(const char*);
  int sample_rate;
  cst_voice* voice = nullptr;
};

// Registered once, then only read. Concurrent synthesis on one voice is safe:
// a 4-thread stress test (tts-flite-test) and a helgrind run over all five
// voices found no race inside flite (the only report is rand() in cg_synth,
// which glibc locks), so there is deliberately no per-voice mutex.
std::array<FliteVoice, 5>& Registry() {
  static std::array<FliteVoice, 5> voices = {{
      {"slt", register_cmu_us_slt, 16000},
      {"rms", register_cmu_us_rms, 16000},
      {"awb", register_cmu_us_awb, 16000},
      {"kal16", register_cmu_us_kal16, 16000},
      {"kal", register_cmu_us_kal, 8000},
  }};
  static std::once_flag once;
  std::call_once(once, [] {
    flite_init();
    for (FliteVoice& v : voices) v.voice = v.registrar(nullptr);
  });
  return voices;
}

const FliteVoice* FindVoice(const std::string& name) {
  const std::string lower = tts_internal::LowerAscii(name);
  for (const FliteVoice& v : Registry()) {
    if (lower == v.name) return &v;
  }
  return nullptr;
}

[[noreturn]] void ThrowUnknownVoice(const std::string& name) {
  throw Error(
      ErrorKind::kInvalidInput, "unknown_voice",
      "flite: unknown voice '" + name + "' (known: " + JoinNames(TtsFlite::KnownVoices()) + ")");
}

// ~50 ms per callback: small enough for a quick first chunk, large enough that
// per-chunk work downstream stays negligible.
constexpr int kChunkMillis = 50;

// Shared with flite's streaming callback for one utterance.
struct StreamState {
  const TtsChunkCallback* on_chunk;
  const CancelToken* cancel;
  std::vector<float> scratch;
  bool stopped = false;
  std::exception_ptr error;  // never let a C++ exception unwind through flite
};

int OnAudio(const cst_wave* w, int start, int size, int last, cst_audio_streaming_info* asi) {
  auto* state = static_cast<StreamState*>(asi->userdata);
  if (state->cancel->IsCancelled()) {
    state->stopped = true;
    return CST_AUDIO_STREAM_STOP;
  }
  if (size <= 0) return CST_AUDIO_STREAM_CONT;
  state->scratch.resize(size);
  for (int i = 0; i < size; ++i) state->scratch[i] = w->samples[start + i] / 32768.0f;
  try {
    if (!(*state->on_chunk)(state->scratch.data(), state->scratch.size(), w->sample_rate)) {
      state->stopped = true;
      return CST_AUDIO_STREAM_STOP;
    }
  } catch (...) {
    state->error = std::current_exception();
    return CST_AUDIO_STREAM_STOP;
  }
  return CST_AUDIO_STREAM_CONT;
}

struct UtteranceDeleter {
  void operator()(cst_utterance* u) const { delete_utterance(u); }
};

}  // namespace

TtsFlite::TtsFlite(const TtsConfig& config)
    : default_voice_(config.voice.empty() ? kDefaultVoice : config.voice) {
  if (!IsVoice(default_voice_)) ThrowUnknownVoice(default_voice_);
}

const std::vector<std::string>& TtsFlite::KnownVoices() {
  static const std::vector<std::string> names = {"slt", "rms", "awb", "kal16", "kal"};
  return names;
}

bool TtsFlite::IsVoice(const std::string& name) { return FindVoice(name) != nullptr; }

int TtsFlite::VoiceSampleRate(const std::string& name) {
  const FliteVoice* v = FindVoice(name);
  if (v == nullptr) ThrowUnknownVoice(name);
  return v->sample_rate;
}

void TtsFlite::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                          const TtsChunkCallback& on_chunk) {
  if (cancel.IsCancelled()) {
    throw Error(ErrorKind::kCancelled, "cancelled", "flite: synthesis cancelled");
  }
  if (!request.language.empty() && !IsEnglish(request.language)) {
    throw Error(ErrorKind::kUnsupported, "unsupported_language",
                "flite speaks English only (got language '" + request.language +
                    "'); use tts.engine \"espeak\" or \"\" to route by language");
  }
  const std::string& voice_name = request.voice.empty() ? default_voice_ : request.voice;
  const FliteVoice* voice = FindVoice(voice_name);
  if (voice == nullptr) ThrowUnknownVoice(voice_name);
  if (voice->voice == nullptr) {
    throw Error(ErrorKind::kUnavailable, "voice_unavailable",
                "flite: voice '" + voice_name + "' failed to register");
  }

  // Nothing to say: flite would only produce a click of silence.
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) return;

  StreamState state{&on_chunk, &cancel, {}, false, nullptr};
  std::unique_ptr<cst_utterance, UtteranceDeleter> utt(new_utterance());
  utt_set_input_text(utt.get(), request.text.c_str());
  utt_init(utt.get(), voice->voice);
  // Set on the utterance, not the voice: utt_init links the voice's features
  // beneath the utterance's, so this shadows them for this request only and
  // concurrent requests on the same voice each keep their own callback.
  // The utterance owns `asi` from here and deletes it with itself.
  cst_audio_streaming_info* asi = new_audio_streaming_info();
  asi->min_buffsize = voice->sample_rate * kChunkMillis / 1000;
  asi->asc = OnAudio;
  asi->userdata = &state;
  feat_set(utt->features, "streaming_info", audio_streaming_info_val(asi));

  const bool ok = utt_synth(utt.get()) != nullptr;
  if (state.error) std::rethrow_exception(state.error);
  if (state.stopped || cancel.IsCancelled()) {
    throw Error(ErrorKind::kCancelled, "cancelled", "flite: synthesis cancelled");
  }
  if (!ok) {
    throw Error(ErrorKind::kInternal, "tts_failed",
                "flite: synthesis failed for voice '" + voice_name + "'");
  }
}

}  // namespace mv
