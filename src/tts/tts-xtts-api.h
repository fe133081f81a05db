// XTTS through xtts-api-server (PROTOCOLS.md B2; tts.engine xtts,
// tts.xtts.server api) on a pool of endpoints.
//
// - tts.xtts.stream true: GET /tts_stream?text=&speaker_wav=&language=, a
//   WAV header with data size 0 then s16le as it is made; false: POST
//   /tts_to_audio/ (trailing slash) {text, speaker_wav, language}, a whole
//   24 kHz WAV.
// - speaker_wav is a name or path on the server: tts.xtts.speaker by
//   default; a request's reference is staged into tts.xtts.share_dir and
//   sent by its path on the TTS host (as gpt-sovits does; without a share
//   folder a wav_path goes as it is and a clip in memory falls back to the
//   default speaker).
// - Errors: {"detail": ...} with 500 for everything, an unsupported language
//   included (Quirk): a detail naming the language maps to kInvalidInput, so
//   a bad language fails at once instead of failing over; other 5xx are
//   kUpstream (fail over); 400/422 kInvalidInput.
// - Quirks of the real server: started with -ms api / apiManual, /tts_stream
//   answers 400 "only supported for local models": that endpoint uses
//   /tts_to_audio/ from then on. /tts_stream looks the speaker up after its
//   200, so an unknown one is a 200 dropped before one byte: asked again
//   whole, the 500 "Speaker ... not found" is the request's fault (no
//   cool-down) and the segment speaks as tts.xtts.speaker. Started with
//   --streaming-mode, /tts_to_audio/ answers a stock second of silence (it
//   plays the speech itself): a failed segment naming the fix.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http-client.h"
#include "net/remote-pool.h"
#include "tts/remote-tts.h"
#include "tts/shared-reference-dir.h"
#include "tts/speech-output.h"

namespace mv {

class TtsXttsApi : public RemoteTts {
 public:
  // `http`: the runtime's client (network I/O context); null: a private one.
  explicit TtsXttsApi(const TtsConfig& config, std::shared_ptr<HttpClient> http = nullptr);

  ~TtsXttsApi() override;

  std::vector<std::string> Voices() const override { return {config_.xtts.speaker}; }

  RemotePool& pool() { return *pool_; }
  // An xtts-api-server error answer as mv::Error.
  static Error MapError(int status, const std::string& body);

 private:
  Task<void> Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) override;
  std::string SpeakerFor(const TtsRequest& request);
  struct Call;  // one segment: text, speaker, language, cancel, output
  Task<void> SynthesizeAs(const Call& call);
  Task<void> Attempt(int endpoint, std::string url, const Call& call);
  Task<void> Whole(const std::string& url, const Call& call);

  const TtsConfig config_;
  std::shared_ptr<HttpClient> client_;  // before pool_, whose health checks use it
  std::unique_ptr<RemotePool> pool_;
  SharedReferenceDir share_;
  std::mutex mutex_;  // guards warned_ and whole_only_
  bool warned_ = false;
  std::vector<bool> whole_only_;  // per endpoint: /tts_stream refused (-ms api), use /tts_to_audio/
};

}  // namespace mv
