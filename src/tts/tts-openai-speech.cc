#include "tts/tts-openai-speech.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "tts/remote-speech.h"

namespace mv {
namespace {

constexpr std::size_t kMaxInput = 4096;  // characters the API takes

std::string Voice(const TtsConfig& c, const TtsRequest& r) {
  if (!r.voice.empty()) return r.voice;
  return c.voice.empty() ? "alloy" : c.voice;
}

}  // namespace

Error TtsOpenAiSpeech::MapError(int status, const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string message = BodySnippet(body);
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string())
      message = e["message"].get<std::string>();
    else if (e.is_string())
      message = e.get<std::string>();
  } else if (j.is_object() && j.contains("detail")) {  // FastAPI servers (Kokoro-FastAPI)
    message = j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump();
  }
  const std::string what = "speech server answered " + std::to_string(status) + ": " + message;
  if (status == 400 || status == 404 || status == 422)
    return Error(ErrorKind::kInvalidInput, "speech_rejected", what);
  return Error(ErrorKind::kUpstream, "speech_error", what);
}

std::string TtsOpenAiSpeech::SpeechUrl(const std::string& base) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with("/audio/speech")) return url;
  if (url.ends_with("/v1")) return url + "/audio/speech";
  return url + "/v1/audio/speech";
}

TtsOpenAiSpeech::TtsOpenAiSpeech(const TtsConfig& config, std::shared_ptr<HttpClient> http)
    : config_(config) {
  config_.Validate();
  client_ = http ? std::move(http) : std::make_shared<HttpClient>(1);
  pool_ = std::make_unique<RemotePool>(config_.remote, client_);
}

std::vector<std::string> TtsOpenAiSpeech::Voices() const {
  return {config_.voice.empty() ? "alloy" : config_.voice};
}

TtsOpenAiSpeech::~TtsOpenAiSpeech() { WaitIdle(); }

Task<void> TtsOpenAiSpeech::Speak(TtsRequest request, CancelToken cancel,
                                  TtsChunkCallback on_chunk) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) co_return;
  if (request.text.size() > kMaxInput)
    throw Error(ErrorKind::kInvalidInput, "text_too_long",
                "speech input over " + std::to_string(kMaxInput) + " characters");
  const OpenAiSpeechConfig& o = config_.openai_speech;
  const std::string body = nlohmann::ordered_json{
      {"model", o.model},
      {"input", request.text},
      {"voice", Voice(config_, request)},
      {"response_format", o.response_format},
      {"speed", o.speed}}.dump();
  SpeechOutput out(on_chunk);
  co_await pool_->RunAsync(cancel, [this, &body, &cancel, &out](int, std::string url) {
    return Attempt(std::move(url), body, cancel, out);
  });
}

Task<void> TtsOpenAiSpeech::Attempt(std::string url, const std::string& body,
                                    const CancelToken& cancel, SpeechOutput& out) {
  const OpenAiSpeechConfig& o = config_.openai_speech;
  ClientRequest r = JsonRequest(config_.remote, SpeechUrl(url), body);
  if (!o.key.empty()) r.headers.emplace_back("Authorization", "Bearer " + o.key);
  WavStreamParser parser =
      o.response_format == "pcm" ? WavStreamParser::RawPcm16(o.pcm_sample_rate) : WavStreamParser();
  co_await StreamSpeechAsync(*client_, std::move(r), cancel, std::move(parser),
                             &TtsOpenAiSpeech::MapError, out);
}

}  // namespace mv
