// Embedded English TTS on CMU flite 2.2 (C API), voices slt, rms, awb, kal16
// (16 kHz) and kal (8 kHz). Audio streams out while flite synthesises, at the
// voice's own rate.
//
// Ownership: voices are registered once per process and never freed; a
// TtsFlite object only remembers which one to use by default.
#pragma once

#include <string>
#include <vector>

#include "tts/tts.h"

namespace mv {

class TtsFlite : public Tts {
 public:
  static constexpr const char* kDefaultVoice = "slt";

  // Throws mv::Error kInvalidInput when config.voice is set and not a flite voice.
  explicit TtsFlite(const TtsConfig& config);

  // English only: a request language other than en/en-* is kUnsupported.
  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override;
  std::vector<std::string> Voices() const override { return KnownVoices(); }

  static const std::vector<std::string>& KnownVoices();
  static bool IsVoice(const std::string& name);
  // The rate a voice produces (16000, or 8000 for kal); throws for an unknown voice.
  static int VoiceSampleRate(const std::string& name);

 private:
  std::string default_voice_;
};

}  // namespace mv
