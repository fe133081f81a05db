// Embedded multilingual TTS on espeak-ng (C API, synchronous mode), used for
// Mandarin ("cmn") and every language flite does not speak. Output is float
// PCM at espeak-ng's rate (22050 Hz), streamed as it is synthesised.
//
// espeak-ng keeps its voice, buffers and callback in process globals: all
// calls into it are serialised by one process-wide mutex, so concurrent
// requests queue (synthesis is fast: ~500x real time). A request's audio is
// collected under that mutex and handed to the chunk callback after it is
// released, in ~50 ms chunks.
#pragma once

#include <string>
#include <vector>

#include "tts/tts.h"

namespace mv {

class TtsEspeak : public Tts {
 public:
  // Initialises espeak-ng once per process. Throws mv::Error kUnavailable when
  // its data is missing, kInvalidInput when config.voice is set and unknown.
  explicit TtsEspeak(const TtsConfig& config);

  // Voice: request.voice, else config.voice (when the request's language is
  // the configured one), else the voice for the language ("zh" -> "cmn").
  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override;
  std::vector<std::string> Voices() const override { return KnownVoices(); }

  // Short voice names ("cmn", "en", "en-us", "de", ...), lower case, sorted.
  static const std::vector<std::string>& KnownVoices();
  // Accepts a short name, a full identifier ("sit/cmn"), or either with a
  // variant ("en+f3"); case-insensitive.
  static bool IsVoice(const std::string& name);
  // "zh" -> "cmn", "de" -> "de", "en-US" -> "en-us"; "" when none speaks it.
  static std::string VoiceForLanguage(const std::string& language);
  static int SampleRate();

 private:
  std::string ResolveVoice(const TtsRequest& request) const;

  std::string language_;
  std::string voice_;
};

}  // namespace mv
