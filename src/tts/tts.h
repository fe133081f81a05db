// Text-to-speech engine interface. A Tts object is shared by all requests;
// Synthesize() may be called from several threads (engines whose library is
// not thread-safe serialise internally and say so). Remote engines are
// asynchronous: their Synthesize() is SynthesizeAsync() waited on.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "common/cancel-token.h"
#include "common/error.h"
#include "tts/tts-config.h"

namespace mv {

// Whose voice to speak in: a reference clip (+ its transcript) for cloning
// engines, or the target of voice matching for the embedded ones.
struct VoiceReference {
  std::string id;          // stable key for per-voice caches (e.g. hash of the audio)
  std::string wav_path;    // on disk, when the engine reads files
  std::string transcript;  // what the clip says ("" = unknown)
  std::shared_ptr<const AudioBuffer> audio;  // decoded clip, when in memory
};

struct TtsRequest {
  std::string text;
  std::string language;  // "en", "zh", ...; empty = the engine's configured language
  std::string voice;     // empty = the engine's configured voice
  std::shared_ptr<const VoiceReference> reference;  // null = the plain voice
};

// Receives audio as it is produced. Return false to stop synthesis early.
using TtsChunkCallback =
    std::function<bool(const float* samples, std::size_t count, int sample_rate)>;

class Tts {
 public:
  virtual ~Tts() = default;
  // Streams audio through `on_chunk`, in order. Throws mv::Error on failure;
  // kCancelled when `cancel` fires or the callback returns false.
  virtual void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                          const TtsChunkCallback& on_chunk) = 0;
  virtual std::vector<std::string> Voices() const = 0;

  // True for engines that wait on the network: SynthesizeAsync() holds no
  // thread while it waits, so callers start it without a pool thread.
  virtual bool asynchronous() const { return false; }
  // Synthesize() that returns at once: `on_chunk` runs on the thread the
  // audio arrives on (a network I/O thread: it must not block), then
  // `on_done` once, with the error or nullopt. The default runs Synthesize()
  // on this thread.
  virtual void SynthesizeAsync(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk,
                               std::function<void(std::optional<Error>)> on_done);
  // Returns once no SynthesizeAsync() callback of this engine can run any
  // more (its owner calls it before what the callbacks use goes).
  virtual void WaitIdle() {}

  // Convenience: collects all chunks into one buffer.
  AudioBuffer SynthesizeAll(const TtsRequest& request, const CancelToken& cancel = {});
};

class HttpClient;

// Factory keyed by config.engine; an empty engine routes by language
// (flite for English, espeak-ng for Mandarin and the rest). Remote engines
// talk through `http` (the runtime's, on the network I/O context); null:
// each makes a private client.
std::unique_ptr<Tts> CreateTts(const TtsConfig& config, std::shared_ptr<HttpClient> http = nullptr);

}  // namespace mv
