// Text-to-speech engine interface. A Tts object is shared by all requests;
// Synthesize() may be called from several threads (engines whose library is
// not thread-safe serialise internally and say so).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "common/cancel-token.h"
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
