// Speech recognition engine interface. One Asr object holds the loaded model
// and is shared by every request; Transcribe() is safe to call concurrently
// (engines pool whatever per-request state they need).
#pragma once

#include <memory>
#include <string>

#include "asr/asr-config.h"
#include "asr/asr-stream.h"
#include "audio/audio-buffer.h"
#include "common/cancel-token.h"

namespace mv {

class Asr {
 public:
  virtual ~Asr() = default;
  // The rate Transcribe() expects; callers resample to it.
  virtual int SampleRate() const = 0;
  // Throws mv::Error on failure; kCancelled when `cancel` fires.
  virtual AsrResult Transcribe(const AudioBuffer& audio, const CancelToken& cancel) = 0;

  // Whether a request may ask for `language` ("zh", "en") other than
  // asr.language: true for engines whose server knows several.
  virtual bool SupportsLanguage(const std::string& language) const { return false; }
  // Transcribe() for a request that names its language; engines bound to
  // one language ignore it.
  virtual AsrResult TranscribeIn(const AudioBuffer& audio, const std::string& language,
                                 const CancelToken& cancel) {
    return Transcribe(audio, cancel);
  }

  // One utterance recognised as it is spoken. `language` as TranscribeIn's
  // ("" = asr.language). Default: a stream that keeps the audio and
  // transcribes it at Finish(), for engines that only recognise whole clips.
  virtual std::unique_ptr<AsrStream> OpenStream(const std::string& language);
  // True when OpenStream() decodes while the audio arrives, so the final
  // result costs little after the last sample and partials come early.
  virtual bool DecodesWhileSpeaking() const { return false; }
};

class HttpClient;

// Factory keyed by config.engine. Throws mv::Error for an unknown engine.
// Remote engines talk through `http` (the runtime's, on the network I/O
// context); null: each makes a private client.
std::unique_ptr<Asr> CreateAsr(const AsrConfig& config, std::shared_ptr<HttpClient> http = nullptr);

}  // namespace mv
