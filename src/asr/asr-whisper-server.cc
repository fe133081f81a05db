#include "asr/asr-whisper-server.h"

#include <sstream>

#include "audio/audio-encoder.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "net/multipart-writer.h"

namespace mv {
namespace {

constexpr std::string_view kPath = "/inference";

}  // namespace

AsrWhisperServer::AsrWhisperServer(const AsrConfig& config, std::shared_ptr<HttpClient> http)
    : AsrRemote(config, /*health_path=*/"/health", std::move(http)) {
  config.whisper_server.Validate();
}

std::string AsrWhisperServer::RequestUrl(const std::string& endpoint) {
  return WithPath(endpoint, kPath);
}

std::string AsrWhisperServer::Attempt(const std::string& url, const AudioBuffer& audio,
                                      const std::string& language, const CancelToken& cancel) {
  std::ostringstream temperature;
  temperature << config_.whisper_server.temperature;
  MultipartWriter form;
  form.AddFile("file", "audio.wav", "audio/wav", EncodeAudio(audio, AudioFormat::kWav));
  if (!language.empty()) form.AddField("language", language);
  form.AddField("temperature", temperature.str());
  form.AddField("response_format", "json");

  const std::string target = RequestUrl(url);
  return PostFormForText(target, form, {}, "whisper-server at " + MaskUrlCredentials(target),
                         cancel);
}

}  // namespace mv
