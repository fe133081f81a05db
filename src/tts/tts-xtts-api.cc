#include "tts/tts-xtts-api.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/secret-mask.h"
#include "tts/remote-speech.h"
#include "tts/speech-language.h"
#include "tts/tts-names.h"

namespace mv {

Error TtsXttsApi::MapError(int status, const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string detail = BodySnippet(body);
  if (j.is_object() && j.contains("detail"))
    detail = j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump();
  const std::string lower = tts_internal::LowerAscii(detail);
  // Quirk: the server wraps its own "unsupported language" 400 into a 500.
  if (lower.find("language") != std::string::npos &&
      (lower.find("unsupported") != std::string::npos ||
       lower.find("not supported") != std::string::npos ||
       lower.find("misspelled") != std::string::npos))
    return Error(ErrorKind::kInvalidInput, "unsupported_language", "XTTS: " + detail);
  // A speaker name or path the server cannot find: the request's fault.
  if (lower.find("speaker") != std::string::npos &&
      (lower.find("not found") != std::string::npos ||
       lower.find("does not exist") != std::string::npos))
    return Error(ErrorKind::kInvalidInput, "unknown_speaker", "XTTS: " + detail);
  if (lower.find("no wav files found") != std::string::npos)
    return Error(ErrorKind::kInvalidInput, "unknown_speaker", "XTTS: " + detail);
  if (status == 400 && lower.find("only supported for local models") != std::string::npos)
    return Error(ErrorKind::kUnsupported, "stream_not_supported", "XTTS: " + detail);
  if (status == 400 || status == 422)
    return Error(ErrorKind::kInvalidInput, "xtts_rejected",
                 "XTTS refused the request (" + std::to_string(status) + "): " + detail);
  return Error(ErrorKind::kUpstream, "xtts_error",
               "XTTS answered " + std::to_string(status) + ": " + detail);
}

namespace {

// xtts-api-server started with --streaming-mode plays the speech on its own
// sound card and answers /tts_to_audio/ with a stock second of silence.
void RejectServerPlayback(const SpeechEnd& end) {
  const double seconds =
      end.wire_rate > 0 ? static_cast<double>(end.held_zeros) / end.wire_rate : 0;
  if (end.audio == 0 && seconds > 0.9 && seconds < 1.1)
    throw Error(ErrorKind::kUpstream, "xtts_streaming_mode",
                "XTTS answered 1 s of silence: xtts-api-server runs with --streaming-mode (or "
                "--stream-play-sync), which plays speech on the server; restart it without that "
                "option");
}

}  // namespace

TtsXttsApi::TtsXttsApi(const TtsConfig& config, std::shared_ptr<HttpClient> http)
    : config_(config), share_(config.xtts.share_dir, config.xtts.share_dir_remote) {
  config_.Validate();
  client_ = http ? std::move(http) : std::make_shared<HttpClient>(1);
  pool_ = std::make_unique<RemotePool>(config_.remote, client_);
  whole_only_.assign(config_.remote.endpoints.size(), false);
}

TtsXttsApi::~TtsXttsApi() { WaitIdle(); }

std::string TtsXttsApi::SpeakerFor(const TtsRequest& request) {
  if (const auto& ref = request.reference) {
    if (auto staged = share_.Stage(*ref)) return staged->remote_path;
    if (!ref->wav_path.empty()) return ref->wav_path;  // a path on the TTS host
    std::lock_guard lock(mutex_);
    if (!warned_) {
      warned_ = true;
      spdlog::warn(
          "xtts: a voice reference held only in memory (mirror voice) needs "
          "tts.xtts.share_dir and share_dir_remote; speaking as the default speaker");
    }
  }
  // tts.voice is not a second name for tts.xtts.speaker; a route's own voice is.
  if (!request.voice.empty() && request.voice != config_.voice) return request.voice;
  return config_.xtts.speaker;
}

struct TtsXttsApi::Call {
  std::string text;
  std::string speaker;
  std::string language;
  CancelToken cancel;
  SpeechOutput* out;
};

Task<void> TtsXttsApi::Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) co_return;
  const std::string language =
      XttsLanguage(request.language.empty() ? config_.language : request.language);
  // Refused here: the server's answer (a 500) would otherwise fail over and
  // cool down every endpoint for one bad request.
  if (!IsXttsLanguage(language))
    throw Error(ErrorKind::kInvalidInput, "unsupported_language",
                "XTTS does not speak '" + language + "'");
  SpeechOutput out(on_chunk);
  Call call{request.text, SpeakerFor(request), language, cancel, &out};
  std::optional<Error> failed;
  try {
    co_await SynthesizeAs(call);
  } catch (const Error& e) {
    failed = e;
  }
  if (!failed) co_return;
  // The request's speaker is at fault: this segment still speaks, as the
  // configured one.
  if (failed->code() != "unknown_speaker" || out.emitted() > 0 ||
      call.speaker == config_.xtts.speaker)
    throw *failed;
  spdlog::warn("xtts: {}; this segment uses speaker '{}'", failed->what(), config_.xtts.speaker);
  call.speaker = config_.xtts.speaker;
  co_await SynthesizeAs(call);
}

Task<void> TtsXttsApi::SynthesizeAs(const Call& call) {
  co_await pool_->RunAsync(call.cancel, [this, &call](int e, std::string url) {
    return Attempt(e, std::move(url), call);
  });
}

Task<void> TtsXttsApi::Whole(const std::string& url, const Call& call) {
  ClientRequest r = JsonRequest(
      config_.remote, JoinUrl(url, "/tts_to_audio/"),
      nlohmann::ordered_json{
          {"text", call.text}, {"speaker_wav", call.speaker}, {"language", call.language}}
          .dump());
  co_await StreamSpeechAsync(*client_, std::move(r), call.cancel, WavStreamParser(),
                             &TtsXttsApi::MapError, *call.out, RejectServerPlayback);
}

Task<void> TtsXttsApi::Attempt(int e, std::string url, const Call& call) {
  bool stream = config_.xtts.stream;
  if (stream) {
    std::lock_guard lock(mutex_);
    stream = !whole_only_[e];
  }
  if (!stream) {
    co_await Whole(url, call);
    co_return;
  }
  std::optional<Error> failed;
  try {
    ClientRequest r = PoolRequest(config_.remote, "GET",
                                  JoinUrl(url, "/tts_stream") + "?text=" + QueryEscape(call.text) +
                                      "&speaker_wav=" + QueryEscape(call.speaker) +
                                      "&language=" + QueryEscape(call.language));
    co_await StreamSpeechAsync(*client_, std::move(r), call.cancel, WavStreamParser(),
                               &TtsXttsApi::MapError, *call.out);
    co_return;
  } catch (const Error& err) {
    failed = err;
  }
  if (failed->code() == "stream_not_supported") {
    // Started with -ms api / apiManual: only whole files, from now on.
    spdlog::info("xtts: {} streams only local models; using /tts_to_audio/ for it",
                 MaskUrlCredentials(url));
    {
      std::lock_guard lock(mutex_);
      whole_only_[e] = true;
    }
    co_await Whole(url, call);
    co_return;
  }
  // Quirk: /tts_stream looks the speaker up after its 200; the whole-file
  // route says what went wrong (an unknown speaker: no cool-down).
  if (failed->code() == "empty_stream") {
    co_await Whole(url, call);
    co_return;
  }
  throw *failed;
}

}  // namespace mv
