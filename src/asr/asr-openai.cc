#include "asr/asr-openai.h"

#include <nlohmann/json.hpp>

#include "audio/audio-encoder.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "net/multipart-writer.h"

namespace mv {
namespace {

constexpr std::string_view kPath = "/audio/transcriptions";

}  // namespace

AsrOpenAi::AsrOpenAi(const AsrConfig& config) : AsrRemote(config, /*health_path=*/"/") {
  config.openai.Validate();
}

std::string AsrOpenAi::RequestUrl(const std::string& endpoint) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url.ends_with(kPath) ? url : url + std::string(kPath);
}

std::string AsrOpenAi::Attempt(const std::string& url, const AudioBuffer& audio,
                               const std::string& language, const CancelToken& cancel) {
  const OpenAiTranscriptionConfig& c = config_.openai;
  MultipartWriter form;
  form.AddFile("file", "audio.wav", "audio/wav", EncodeAudio(audio, AudioFormat::kWav));
  form.AddField("model", c.model);
  if (!language.empty() && language != "auto") form.AddField("language", language);
  if (!c.prompt.empty()) form.AddField("prompt", c.prompt);
  form.AddField("response_format", "json");

  ClientRequest request = Post(RequestUrl(url));
  request.headers.emplace_back("Content-Type", form.content_type());
  request.headers.emplace_back("Accept", "application/json");
  if (!c.key.empty()) request.headers.emplace_back("Authorization", "Bearer " + c.key);
  request.body = form.Finish();
  const std::string who = "the transcription server at " + MaskUrlCredentials(request.url);
  ClientResponse response = HttpClient::Shared().Fetch(request, cancel);
  if (response.status != 200) throw HttpStatusError(who, response.status, response.body);
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
    throw Error(ErrorKind::kUpstream, "bad_response",
                who + " answered without a \"text\" string: " + response.body.substr(0, 200));
  return j["text"].get<std::string>();
}

}  // namespace mv
