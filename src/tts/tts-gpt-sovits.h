// GPT-SoVITS through its api_v2 server (PROTOCOLS.md B1), on a pool of
// endpoints (one worker process each: max_concurrency 1).
//
// - POST /tts with every tuning field from tts.gpt_sovits, media_type wav.
//   Streamed answers (a 44-byte header with data size 0, then s16le cut
//   anywhere) reach the caller chunk by chunk; the rate comes from the
//   header (32/24/48 kHz by model version). streaming_mode auto sends 3 and
//   drops to true for an endpoint that refuses it (older servers take a bool).
// - Voice: a request's reference (mirror voice, emotion clip, library voice)
//   is staged into tts.gpt_sovits.share_dir and sent as its path on the TTS
//   host + its transcript as prompt_text (shared-reference-dir.h). Without a
//   share folder a reference's wav_path goes as it is (a path on the TTS
//   host, as the original did); a clip only in memory then falls back to the
//   default voice (ref_audio_path + prompt_text), with a warning.
// - Weights: gpt_weight / sovits_weight are set on every endpoint at
//   start-up (GET /set_gpt_weights, /set_sovits_weights); an endpoint that
//   is down then, or refuses a connection later (it may have restarted), is
//   set again before its next request. A weights path the server refuses
//   fails start-up.
// - Errors: 400 {"message","Exception"} for bad parameters -> kInvalidInput;
//   "tts failed" (generation broke) -> kUpstream, failing over, except for a
//   reference outside 3-10 s (kInvalidInput); 422 {"detail":[...]} ->
//   kInvalidInput; 5xx -> kUpstream. Generation failing mid-stream sends
//   ~1 s of zeros and cuts the connection: the zeros are held back and
//   dropped (speech-output.h), the cut fails over, and the next endpoint's
//   audio continues where the first stopped.
// - Quirks of the real server: a streamed answer starts before the reference
//   is checked, so a missing reference or one outside 3-10 s is a 200 that
//   closes with no bytes: that request is asked again non-streaming to read
//   the 400, which is the request's fault (no cool-down), and the segment
//   falls back to the default reference. A non-streaming synthesis that fails
//   inside the model answers 200 with exactly 1 s of zeros at 16 kHz: a
//   failed segment (kUpstream), never speech. Bad-reference messages come in
//   several locales; all are recognised. v3/v4 models refuse an empty
//   prompt_text: the caller gives every reference its transcript.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "net/http-client.h"
#include "net/remote-pool.h"
#include "tts/remote-tts.h"
#include "tts/shared-reference-dir.h"
#include "tts/speech-output.h"

namespace mv {

class TtsGptSovits : public RemoteTts {
 public:
  // Sets the weights on every endpoint; throws mv::Error for a bad config
  // or weights an endpoint refuses.
  // `http`: the runtime's client (network I/O context); null: a private one.
  explicit TtsGptSovits(const TtsConfig& config, std::shared_ptr<HttpClient> http = nullptr);
  ~TtsGptSovits() override;

  std::vector<std::string> Voices() const override { return {"default"}; }

  RemotePool& pool() { return *pool_; }
  // An api_v2 error answer as mv::Error.
  static Error MapError(int status, const std::string& body);

 private:
  struct Voice {
    std::string ref_audio_path;
    std::vector<std::string> aux_ref_audio_paths;
    std::string prompt_text;
    std::string prompt_lang;
  };
  Voice VoiceFor(const TtsRequest& request);
  Voice DefaultVoice() const;  // ref_audio_path + prompt_text of the config
  std::string TextLang(const TtsRequest& request) const;
  bool Streaming() const;  // streaming_mode asks for a stream
  // `whole`: streaming_mode off, whatever the config says.
  std::string Body(const TtsRequest& request, const Voice& voice, bool bool_streaming,
                   bool whole) const;
  Task<void> Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) override;
  struct Call;  // one segment: request, voice, cancel, output
  Task<void> SynthesizeWith(Call call);
  Task<void> Attempt(int endpoint, std::string url, const Call& call);
  // One /tts request; `as_bool` and `whole` as Body() takes them.
  Task<void> Say(const std::string& url, const Call& call, bool as_bool, bool whole);
  // One /set_*_weights request of one endpoint.
  struct WeightStep {
    ClientRequest request;
    std::string url, route, key, path;
  };
  std::vector<WeightStep> WeightSteps(const std::string& url) const;
  static Error WeightError(const WeightStep& step, int status, const std::string& body);
  Task<void> SetWeights(std::string url, CancelToken cancel);
  // At start-up; the error of each endpoint that failed.
  std::vector<std::optional<Error>> SetWeightsEverywhere();
  Task<void> EnsureWeights(int endpoint, std::string url, CancelToken cancel);

  const TtsConfig config_;
  std::shared_ptr<HttpClient> client_;  // before pool_, whose health checks use it
  std::unique_ptr<RemotePool> pool_;
  SharedReferenceDir share_;

  std::mutex mutex_;                  // guards the per-endpoint flags and warned_
  std::vector<bool> weights_set_;     // false: set them before the next request
  std::vector<bool> bool_streaming_;  // streaming_mode auto: this endpoint takes only a bool
  bool warned_no_share_ = false;
};

}  // namespace mv
