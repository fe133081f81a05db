#include "tts/tts-xtts-api.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

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
  if (status == 400 || status == 422)
    return Error(ErrorKind::kInvalidInput, "xtts_rejected",
                 "XTTS refused the request (" + std::to_string(status) + "): " + detail);
  return Error(ErrorKind::kUpstream, "xtts_error",
               "XTTS answered " + std::to_string(status) + ": " + detail);
}

TtsXttsApi::TtsXttsApi(const TtsConfig& config)
    : config_(config), share_(config.xtts.share_dir, config.xtts.share_dir_remote) {
  config_.Validate();
  pool_ = std::make_unique<RemotePool>(config_.remote);
}

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

void TtsXttsApi::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                            const TtsChunkCallback& on_chunk) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) return;
  const std::string speaker = SpeakerFor(request);
  const std::string language =
      XttsLanguage(request.language.empty() ? config_.language : request.language);
  // Refused here: the server's answer (a 500) would otherwise fail over and
  // cool down every endpoint for one bad request.
  if (!IsXttsLanguage(language))
    throw Error(ErrorKind::kInvalidInput, "unsupported_language",
                "XTTS does not speak '" + language + "'");
  SpeechOutput out(on_chunk);
  pool_->Run(cancel, [&](int, const std::string& url) {
    ClientRequest r;
    if (config_.xtts.stream) {
      r = PoolRequest(config_.remote, "GET",
                      JoinUrl(url, "/tts_stream") + "?text=" + QueryEscape(request.text) +
                          "&speaker_wav=" + QueryEscape(speaker) +
                          "&language=" + QueryEscape(language));
    } else {
      r = JsonRequest(config_.remote, JoinUrl(url, "/tts_to_audio/"),
                      nlohmann::ordered_json{
                          {"text", request.text}, {"speaker_wav", speaker}, {"language", language}}
                          .dump());
    }
    StreamSpeech(client_, std::move(r), cancel, WavStreamParser(), &TtsXttsApi::MapError, out);
  });
}

}  // namespace mv
