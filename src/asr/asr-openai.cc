#include "asr/asr-openai.h"


#include "audio/audio-encoder.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "net/multipart-writer.h"

namespace mv {
namespace {

constexpr std::string_view kPath = "/audio/transcriptions";

}  // namespace

AsrOpenAi::AsrOpenAi(const AsrConfig& config, std::shared_ptr<HttpClient> http)
    : AsrRemote(config, /*health_path=*/"/", std::move(http)) {
  config.openai.Validate();
}

std::string AsrOpenAi::RequestUrl(const std::string& endpoint) { return WithPath(endpoint, kPath); }

std::string AsrOpenAi::Attempt(const std::string& url, const AudioBuffer& audio,
                               const std::string& language, const CancelToken& cancel) {
  const OpenAiTranscriptionConfig& c = config_.openai;
  MultipartWriter form;
  form.AddFile("file", "audio.wav", "audio/wav", EncodeAudio(audio, AudioFormat::kWav));
  form.AddField("model", c.model);
  if (!language.empty() && language != "auto") form.AddField("language", language);
  if (!c.prompt.empty()) form.AddField("prompt", c.prompt);
  form.AddField("response_format", "json");

  std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"}};
  if (!c.key.empty()) headers.emplace_back("Authorization", "Bearer " + c.key);
  const std::string target = RequestUrl(url);
  return PostFormForText(target, form, std::move(headers),
                         "the transcription server at " + MaskUrlCredentials(target), cancel);
}

}  // namespace mv
