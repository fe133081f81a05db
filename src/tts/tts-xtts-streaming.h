// XTTS through xtts-streaming-server (PROTOCOLS.md B2; tts.engine xtts,
// tts.xtts.server streaming) on a pool of endpoints.
//
// A voice is cloned once: its clip (3-15 s, reference-clip.h) goes to POST
// /clone_speaker as multipart wav_file, and the answer's gpt_cond_latent +
// speaker_embedding are cached by a hash of the clip's WAV bytes (the 64
// latest voices). Each synthesis is POST /tts_stream {speaker_embedding,
// gpt_cond_latent, text, language, add_wav_header: true, stream_chunk_size:
// "<n>"}: a chunked WAV with data size 0, then s16le at 24 kHz, passed on as
// it arrives. The default voice is tts.xtts.speaker, a local WAV file.
//
// Thread-safe: the latent cache is guarded; requests for a voice being
// cloned wait for that clone (a turn's segments start together) instead of
// cloning it again.
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http-client.h"
#include "net/remote-pool.h"
#include "tts/remote-tts.h"
#include "tts/speech-output.h"

namespace mv {

class TtsXttsStreaming : public RemoteTts {
 public:
  // Throws mv::Error when tts.xtts.speaker is not a readable audio file.
  // `http`: the runtime's client (network I/O context); null: a private one.
  explicit TtsXttsStreaming(const TtsConfig& config, std::shared_ptr<HttpClient> http = nullptr);

  ~TtsXttsStreaming() override;

  std::vector<std::string> Voices() const override { return {"default"}; }

  RemotePool& pool() { return *pool_; }
  int clones() const;  // /clone_speaker calls made (for tests)

 private:
  // A voice ready to send: its WAV bytes' hash and, once cloned, the JSON
  // fields {"speaker_embedding":..., "gpt_cond_latent":..., as a body prefix.
  struct Voice {
    uint64_t hash = 0;
    std::string wav;  // the clip, for /clone_speaker
  };
  std::shared_ptr<const Voice> VoiceFor(const TtsRequest& request);
  Task<void> Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) override;
  Task<void> Attempt(std::string url, std::shared_ptr<const Voice> voice, const std::string& tail,
                     const CancelToken& cancel, SpeechOutput& out);
  // The voice's latents as a body prefix: cached, else cloned on `url`
  // (one clone per voice at a time; the others wait for it).
  Task<std::shared_ptr<const std::string>> Latents(std::shared_ptr<const Voice> voice,
                                                   std::string url, CancelToken cancel);

  const TtsConfig config_;
  std::shared_ptr<HttpClient> client_;  // before pool_, whose health checks use it
  std::unique_ptr<RemotePool> pool_;
  std::shared_ptr<const Voice> default_voice_;

  mutable std::mutex mutex_;  // guards voices_, latents_, cloning_, lru_ and clones_
  std::map<std::string, std::shared_ptr<const Voice>> voices_;  // by reference id (bounded)
  std::map<uint64_t, std::shared_ptr<const std::string>> latents_;
  // Voices being cloned now -> the requests waiting for their latents.
  std::map<uint64_t, std::vector<std::function<void(std::shared_ptr<const std::string>)>>> cloning_;
  std::list<uint64_t> lru_;  // latents_ keys, oldest first
  int clones_ = 0;
};

}  // namespace mv
