// OpenAI-compatible speech (PROTOCOLS.md B5, POST /v1/audio/speech): OpenAI,
// Kokoro-FastAPI, openedai-speech, LocalAI... on a pool of endpoints.
//
// Body {model, input, voice, response_format, speed}; pcm (raw 24 kHz s16le,
// passed on as it streams) or wav. Authorization: Bearer tts.openai_speech.key.
// The voice is the request's, else tts.voice, else "alloy". These servers
// cannot clone: a request's reference is ignored (the answer keeps the
// configured voice). Errors {"error": {"message", ...}}: 400/404/422 ->
// kInvalidInput; 401/403/429/5xx -> kUpstream (fail over: the next
// endpoint may be another provider).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/http-client.h"
#include "net/remote-pool.h"
#include "tts/remote-tts.h"
#include "tts/speech-output.h"

namespace mv {

class TtsOpenAiSpeech : public RemoteTts {
 public:
  // `http`: the runtime's client (network I/O context); null: a private one.
  explicit TtsOpenAiSpeech(const TtsConfig& config, std::shared_ptr<HttpClient> http = nullptr);

  ~TtsOpenAiSpeech() override;

  std::vector<std::string> Voices() const override;

  RemotePool& pool() { return *pool_; }
  static Error MapError(int status, const std::string& body);
  // ".../v1" or a bare host gets "/v1/audio/speech"; a full URL stays.
  static std::string SpeechUrl(const std::string& base);

 private:
  Task<void> Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) override;
  Task<void> Attempt(std::string url, const std::string& body, const CancelToken& cancel,
                     SpeechOutput& out);

  const TtsConfig config_;
  std::shared_ptr<HttpClient> client_;  // before pool_, whose health checks use it
  std::unique_ptr<RemotePool> pool_;
};

}  // namespace mv
