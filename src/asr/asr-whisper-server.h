// Client of whisper.cpp's HTTP server (PROTOCOLS.md B6): POST /inference with
// the clip as a WAV file, language (asr.language or the request's; "auto"
// lets whisper detect it), temperature and response_format json; the answer
// is {"text": ...}, errors {"error": "..."}. The server decodes one request
// at a time (give each endpoint max_concurrency 1) and answers GET /health
// 503 while it loads the model, which the pool uses to bring a cooling
// endpoint back. An endpoint URL is the server's base URL (or the full
// ".../inference").
#pragma once

#include <memory>
#include <string>

#include "asr/asr-remote.h"

namespace mv {

class AsrWhisperServer : public AsrRemote {
 public:
  explicit AsrWhisperServer(const AsrConfig& config, std::shared_ptr<HttpClient> http = nullptr);

  static std::string RequestUrl(const std::string& endpoint);

 protected:
  std::string Attempt(const std::string& url, const AudioBuffer& audio, const std::string& language,
                      const CancelToken& cancel) override;
};

}  // namespace mv
