// The part every remote ASR engine shares: 16 kHz input, the endpoint pool
// (least-busy dispatch, failover on connect errors, timeouts, 5xx and broken
// streams, cool-down), and any language the server knows. An engine only
// says how one attempt on one endpoint goes.
//
// Ownership: the object owns its pool; Transcribe() is thread-safe and
// blocks the calling (compute) thread for the whole exchange.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asr/asr.h"
#include "common/error.h"
#include "net/http-client.h"
#include "net/remote-pool.h"

namespace mv {

class MultipartWriter;

class AsrRemote : public Asr {
 public:
  static constexpr int kSampleRate = 16000;

  int SampleRate() const override { return kSampleRate; }
  AsrResult Transcribe(const AudioBuffer& audio, const CancelToken& cancel) override;
  bool SupportsLanguage(const std::string& language) const override { return true; }
  AsrResult TranscribeIn(const AudioBuffer& audio, const std::string& language,
                         const CancelToken& cancel) override;

  const RemotePool& pool() const { return pool_; }

 protected:
  // `health_path` replaces the pool's ("" = none: WebSocket servers answer
  // no plain GET). `http`: the runtime's client (network I/O context);
  // null: a private one.
  AsrRemote(const AsrConfig& config, std::string health_path, std::shared_ptr<HttpClient> http);

  // One try on the endpoint at `url`; returns the transcript. Throws
  // mv::Error: kUnavailable, kTimeout or kUpstream move on to the next
  // endpoint, other kinds end the request.
  virtual std::string Attempt(const std::string& url, const AudioBuffer& audio,
                              const std::string& language, const CancelToken& cancel) = 0;

  // A POST to `url` with asr.* timeouts and TLS settings.
  ClientRequest Post(const std::string& url) const;
  // An HTTP answer other than 200: 400/413/415/422 kInvalidInput (the
  // request's fault: no failover, no cool-down), 408 kTimeout, others
  // kUpstream. The message quotes the server's own ({"error": ...}, ...).
  static Error HttpStatusError(const std::string& what, int status, const std::string& body);
  // POSTs `form` (+ `headers`) and returns the "text" of the JSON answer, the
  // shape both OpenAI and whisper.cpp use; `who` names the server in errors.
  std::string PostFormForText(const std::string& url, MultipartWriter& form,
                              std::vector<std::pair<std::string, std::string>> headers,
                              const std::string& who, const CancelToken& cancel) const;
  // `endpoint` with `path` appended unless it already ends with it.
  static std::string WithPath(const std::string& endpoint, std::string_view path);

  const AsrConfig config_;
  const std::shared_ptr<HttpClient> http_;  // requests, and WebSockets on http_->io()

 private:
  RemotePool pool_;
};

// "hello" + "world" -> "hello world", "你好" + "世界" -> "你好世界": pieces of
// one transcript, joined with a space only between two Latin words.
std::string JoinTranscript(const std::string& a, const std::string& b);

}  // namespace mv
