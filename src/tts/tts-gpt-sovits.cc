#include "tts/tts-gpt-sovits.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "common/error.h"
#include "common/secret-mask.h"
#include "tts/remote-speech.h"
#include "tts/speech-language.h"

namespace mv {
namespace {

using ojson = nlohmann::ordered_json;

constexpr int kWeightsTimeoutMs = 300000;  // loading a model takes a while

bool Has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

std::string AsText(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

// api_v2's refusal of a reference: missing, or outside 3-10 s in any of its
// locales (zh "3~10", ja "3～10", en "3-10", es/pt "3 a 10", fr "3 à 10").
bool IsBadReference(const std::string& exception) {
  for (std::string_view mark : {"3~10", "3～10", "3-10", "3 a 10", "3 à 10", "参考音频", "參考音頻",
                                "参照音声", "No such file or directory", "Errno 2"}) {
    if (Has(exception, mark)) return true;
  }
  return false;
}

// api_v2's answer when synthesis fails inside the model without streaming:
// 200 and exactly one second of zeros at 16 kHz (no model speaks at 16 kHz).
void RejectFailureSilence(const SpeechEnd& end) {
  if (end.audio == 0 && end.wire_rate == 16000 && end.held_zeros == 16000)
    throw Error(ErrorKind::kUpstream, "gpt_sovits_silent_failure",
                "GPT-SoVITS answered 1 s of silence at 16 kHz: synthesis failed inside the "
                "model (see the TTS server's log)");
}

}  // namespace

Error TtsGptSovits::MapError(int status, const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status == 400 && j.is_object()) {
    const std::string message = AsText(j.value("message", nlohmann::json()));
    const std::string exception = AsText(j.value("Exception", nlohmann::json()));
    if (Has(message, "streaming_mode") || Has(exception, "streaming_mode"))
      return Error(ErrorKind::kInvalidInput, "streaming_mode_rejected",
                   "GPT-SoVITS refused streaming_mode: " + message);
    if (message == "tts failed") {
      if (IsBadReference(exception))
        return Error(ErrorKind::kInvalidInput, "bad_reference",
                     "GPT-SoVITS refused the reference audio (it must exist on the TTS host and "
                     "last 3-10 s): " +
                         exception);
      if (Has(exception, "prompt_text cannot be empty"))
        return Error(ErrorKind::kInvalidInput, "prompt_text_required",
                     "GPT-SoVITS (a v3/v4 model) needs the reference's transcript: " + exception);
      return Error(ErrorKind::kUpstream, "gpt_sovits_failed",
                   "GPT-SoVITS failed to synthesise: " + exception);
    }
    return Error(ErrorKind::kInvalidInput, "gpt_sovits_rejected",
                 "GPT-SoVITS refused the request: " + message +
                     (exception.empty() ? "" : " (" + exception + ")"));
  }
  if (status == 422 && j.is_object() && j.contains("detail")) {
    std::string what;
    bool mode = false;
    for (const auto& d : j["detail"].is_array() ? j["detail"] : nlohmann::json::array()) {
      std::string loc;
      for (const auto& part : d.value("loc", nlohmann::json::array())) {
        loc += (loc.empty() ? "" : ".") + AsText(part);
      }
      mode |= Has(loc, "streaming_mode");
      what += (what.empty() ? "" : "; ") + loc + ": " + AsText(d.value("msg", nlohmann::json()));
    }
    if (mode)
      return Error(ErrorKind::kInvalidInput, "streaming_mode_rejected",
                   "GPT-SoVITS refused streaming_mode: " + what);
    return Error(
        ErrorKind::kInvalidInput, "gpt_sovits_rejected",
        "GPT-SoVITS refused the request (422): " + (what.empty() ? BodySnippet(body) : what));
  }
  if (status == 404)
    return Error(ErrorKind::kUpstream, "not_api_v2",
                 "GPT-SoVITS answered 404 for /tts: is the server api_v2.py (not api.py)?");
  return Error(ErrorKind::kUpstream, "gpt_sovits_error",
               "GPT-SoVITS answered " + std::to_string(status) + ": " + BodySnippet(body));
}

TtsGptSovits::TtsGptSovits(const TtsConfig& config, std::shared_ptr<HttpClient> http)
    : config_(config), share_(config.gpt_sovits.share_dir, config.gpt_sovits.share_dir_remote) {
  config_.Validate();
  client_ = http ? std::move(http) : std::make_shared<HttpClient>(1);
  pool_ = std::make_unique<RemotePool>(config_.remote, client_);
  const std::size_t n = config_.remote.endpoints.size();
  weights_set_.assign(n, true);
  bool_streaming_.assign(n, false);
  const GptSovitsConfig& g = config_.gpt_sovits;
  if (g.gpt_weight.empty() && g.sovits_weight.empty()) return;
  // All endpoints at once (each loads models for a while), as
  // asynchronous requests: no thread waits on a model load.
  std::vector<std::optional<Error>> errors = SetWeightsEverywhere();
  for (std::size_t i = 0; i < n; ++i) {
    if (!errors[i]) continue;
    if (errors[i]->kind() == ErrorKind::kInvalidInput) throw *errors[i];
    weights_set_[i] = false;
    spdlog::warn(
        "gpt-sovits: could not set the weights on {} now ({}); will before its first "
        "request",
        MaskUrlCredentials(config_.remote.endpoints[i].url), errors[i]->what());
  }
}

TtsGptSovits::~TtsGptSovits() { WaitIdle(); }

std::vector<TtsGptSovits::WeightStep> TtsGptSovits::WeightSteps(const std::string& url) const {
  const GptSovitsConfig& g = config_.gpt_sovits;
  std::vector<WeightStep> steps;
  for (const auto& [route, key, path] :
       {std::tuple{"/set_gpt_weights", "tts.gpt_sovits.gpt_weight", &g.gpt_weight},
        std::tuple{"/set_sovits_weights", "tts.gpt_sovits.sovits_weight", &g.sovits_weight}}) {
    if (path->empty()) continue;
    ClientRequest r = PoolRequest(config_.remote, "GET",
                                  JoinUrl(url, route) + "?weights_path=" + QueryEscape(*path));
    r.first_byte_timeout_ms = std::max(r.first_byte_timeout_ms, kWeightsTimeoutMs);
    r.max_body_bytes = 1 << 20;
    steps.push_back({std::move(r), url, route, key, *path});
  }
  return steps;
}

Error TtsGptSovits::WeightError(const WeightStep& step, int status, const std::string& body) {
  if (status == 400)
    return Error(ErrorKind::kInvalidInput, "weights_refused",
                 "GPT-SoVITS at " + MaskUrlCredentials(step.url) + " refused " + step.key + " '" +
                     step.path + "': " + BodySnippet(body));
  return Error(ErrorKind::kUpstream, "gpt_sovits_error",
               "GPT-SoVITS at " + MaskUrlCredentials(step.url) + " answered " +
                   std::to_string(status) + " to " + step.route + ": " + BodySnippet(body));
}

Task<void> TtsGptSovits::SetWeights(std::string url, CancelToken cancel) {
  const std::vector<WeightStep> steps = WeightSteps(url);
  for (const WeightStep& step : steps) {
    co_await FetchOkAsync(
        *client_, step.request, cancel,
        [&step](int status, const std::string& body) { return WeightError(step, status, body); });
    spdlog::info("gpt-sovits: {} set to '{}' on {}", step.key, step.path, MaskUrlCredentials(url));
  }
}

std::vector<std::optional<Error>> TtsGptSovits::SetWeightsEverywhere() {
  const std::size_t n = config_.remote.endpoints.size();
  // The endpoints side by side (each loads models for a while), each one's
  // steps one after the other; no thread waits on a model load.
  std::mutex mutex;            // guards errors, left
  std::condition_variable cv;  // signalled when an endpoint is done
  std::vector<std::optional<Error>> errors(n);
  std::size_t left = n;
  for (std::size_t i = 0; i < n; ++i) {
    Spawn(SetWeights(config_.remote.endpoints[i].url, CancelToken()),
          [&, i](std::exception_ptr failure) {
            std::optional<Error> error;
            if (failure) error = AsError(failure);
            std::lock_guard lock(mutex);
            errors[i] = std::move(error);
            --left;
            cv.notify_all();
          });
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return left == 0; });
  return errors;
}

Task<void> TtsGptSovits::EnsureWeights(int endpoint, std::string url, CancelToken cancel) {
  {
    std::lock_guard lock(mutex_);
    if (weights_set_[endpoint]) co_return;
  }
  co_await SetWeights(std::move(url), std::move(cancel));
  std::lock_guard lock(mutex_);
  weights_set_[endpoint] = true;
}

std::string TtsGptSovits::TextLang(const TtsRequest& request) const {
  const std::string& fixed = config_.gpt_sovits.text_lang;
  // A route that names another language (a /process_audio caller) wins.
  if (!request.language.empty() && (fixed.empty() || request.language != config_.language))
    return GptSovitsLanguage(request.language);
  return fixed.empty() ? GptSovitsLanguage(config_.language) : fixed;
}

TtsGptSovits::Voice TtsGptSovits::VoiceFor(const TtsRequest& request) {
  if (const auto& ref = request.reference) {
    std::optional<StagedReference> staged = share_.Stage(*ref);
    Voice v;
    if (staged) {
      v.ref_audio_path = staged->remote_path;
      v.prompt_text = staged->transcript;
    } else if (!ref->wav_path.empty()) {
      v.ref_audio_path = ref->wav_path;  // a path on the TTS host, as the original sent
      v.prompt_text = ref->transcript;
    }
    if (!v.ref_audio_path.empty()) {
      const std::string script = ScriptLanguage(v.prompt_text);
      v.prompt_lang = script.empty() ? TextLang(request) : GptSovitsLanguage(script);
      return v;
    }
    std::lock_guard lock(mutex_);
    if (!warned_no_share_) {
      warned_no_share_ = true;
      spdlog::warn(
          "gpt-sovits: a voice reference held only in memory (mirror voice) needs "
          "tts.gpt_sovits.share_dir and share_dir_remote; speaking in the default "
          "voice");
    }
  }
  return DefaultVoice();
}

TtsGptSovits::Voice TtsGptSovits::DefaultVoice() const {
  const GptSovitsConfig& g = config_.gpt_sovits;
  Voice v{g.ref_audio_path, g.aux_ref_audio_paths, g.prompt_text, g.prompt_lang};
  if (v.prompt_lang.empty()) {
    const std::string script = ScriptLanguage(g.prompt_text);
    v.prompt_lang = script.empty() ? TextLang(TtsRequest{}) : GptSovitsLanguage(script);
  }
  return v;
}

bool TtsGptSovits::Streaming() const {
  const std::string& m = config_.gpt_sovits.streaming_mode;
  return !(m == "0" || m == "false");
}

std::string TtsGptSovits::Body(const TtsRequest& request, const Voice& voice, bool bool_streaming,
                               bool whole) const {
  const GptSovitsConfig& g = config_.gpt_sovits;
  ojson mode;
  const std::string& m = g.streaming_mode;
  if (whole || m == "0" || m == "false")
    mode = false;
  else if (m == "1" || m == "true" || (m == "auto" && bool_streaming))
    mode = true;
  else if (m == "2")
    mode = 2;
  else
    mode = 3;  // "3", and auto's first choice: the fastest
  ojson j = {{"text", request.text},
             {"text_lang", TextLang(request)},
             {"ref_audio_path", voice.ref_audio_path},
             {"aux_ref_audio_paths", voice.aux_ref_audio_paths},
             {"prompt_text", voice.prompt_text},
             {"prompt_lang", voice.prompt_lang},
             {"top_k", g.top_k},
             {"top_p", g.top_p},
             {"temperature", g.temperature},
             {"text_split_method", g.text_split_method},
             {"batch_size", g.batch_size},
             {"batch_threshold", g.batch_threshold},
             {"split_bucket", g.split_bucket},
             {"speed_factor", g.speed_factor},
             {"fragment_interval", g.fragment_interval},
             {"seed", g.seed},
             {"media_type", "wav"},
             {"streaming_mode", mode},
             {"parallel_infer", g.parallel_infer},
             {"repetition_penalty", g.repetition_penalty},
             {"sample_steps", g.sample_steps},
             {"super_sampling", g.super_sampling}};
  return j.dump();
}

struct TtsGptSovits::Call {
  const TtsRequest* request;
  const Voice* voice;
  CancelToken cancel;
  SpeechOutput* out;
};

Task<void> TtsGptSovits::Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) co_return;  // nothing to say
  const Voice voice = VoiceFor(request);
  SpeechOutput out(on_chunk);
  std::optional<Error> failed;
  // Named, not a temporary in the co_await: GCC 12 destroys an aggregate
  // temporary there twice.
  Call call{&request, &voice, cancel, &out};
  try {
    co_await SynthesizeWith(call);
  } catch (const Error& e) {
    failed = e;
  }
  if (!failed) co_return;
  // The request's reference is at fault, not the server: this segment is
  // still spoken, in the configured default voice.
  const Voice fallback = DefaultVoice();
  if (failed->code() != "bad_reference" || out.emitted() > 0 || fallback.ref_audio_path.empty() ||
      fallback.ref_audio_path == voice.ref_audio_path)
    throw *failed;
  spdlog::warn("gpt-sovits: {}; this segment uses the default reference", failed->what());
  call.voice = &fallback;
  co_await SynthesizeWith(call);
}

Task<void> TtsGptSovits::SynthesizeWith(Call call) {
  co_await pool_->RunAsync(call.cancel, [this, &call](int e, std::string url) {
    return Attempt(e, std::move(url), call);
  });
}

Task<void> TtsGptSovits::Say(const std::string& url, const Call& call, bool as_bool, bool whole) {
  ClientRequest r = JsonRequest(config_.remote, JoinUrl(url, "/tts"),
                                Body(*call.request, *call.voice, as_bool, whole));
  co_await StreamSpeechAsync(*client_, std::move(r), call.cancel, WavStreamParser(),
                             &TtsGptSovits::MapError, *call.out, RejectFailureSilence);
}

Task<void> TtsGptSovits::Attempt(int e, std::string url, const Call& call) {
  const bool weights =
      !config_.gpt_sovits.gpt_weight.empty() || !config_.gpt_sovits.sovits_weight.empty();
  std::optional<Error> failed;
  try {
    co_await EnsureWeights(e, url, call.cancel);
    for (;;) {
      bool as_bool;
      {
        std::lock_guard lock(mutex_);
        as_bool = bool_streaming_[e];
      }
      std::optional<Error> said;
      try {
        co_await Say(url, call, as_bool, false);
        co_return;
      } catch (const Error& err) {
        said = err;
      }
      if (said->code() == "empty_stream" && Streaming()) {
        // Quirk: a streamed answer starts before the reference is checked,
        // so a bad one is a 200 with nothing in it. Asked again whole, the
        // server says why (400 -> bad_reference: no cool-down).
        co_await Say(url, call, as_bool, true);
        co_return;
      }
      if (said->code() != "streaming_mode_rejected" ||
          config_.gpt_sovits.streaming_mode != "auto" || as_bool)
        throw *said;
      spdlog::info("gpt-sovits: {} takes streaming_mode only as a bool; using true",
                   MaskUrlCredentials(url));
      std::lock_guard lock(mutex_);
      bool_streaming_[e] = true;
    }
  } catch (const Error& err) {
    failed = err;
  }
  // Refused connections may mean a restart, which loses the weights.
  if (failed->kind() == ErrorKind::kUnavailable && weights) {
    std::lock_guard lock(mutex_);
    weights_set_[e] = false;
  }
  throw *failed;
}

}  // namespace mv
