// Client of POST /v1/audio/transcriptions (PROTOCOLS.md B5): OpenAI, and the
// servers that copy it (faster-whisper-server / speaches, LocalAI, vLLM).
// The clip goes up as a WAV file named audio.wav (the API wants a file name
// with an extension) with model, language (unless "auto"), prompt and
// response_format json; the answer is {"text": ...}. An endpoint URL is the
// API base (".../v1") or the full ".../audio/transcriptions" URL.
#pragma once

#include <memory>
#include <string>

#include "asr/asr-remote.h"

namespace mv {

class AsrOpenAi : public AsrRemote {
 public:
  explicit AsrOpenAi(const AsrConfig& config, std::shared_ptr<HttpClient> http = nullptr);

  // The URL the request goes to for an endpoint URL.
  static std::string RequestUrl(const std::string& endpoint);

 protected:
  std::string Attempt(const std::string& url, const AudioBuffer& audio, const std::string& language,
                      const CancelToken& cancel) override;
};

}  // namespace mv
