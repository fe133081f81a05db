#pragma once

#include <string>
#include <vector>

#include "voice/speaker-encoder.h"

namespace mv {

// The original's Core.sv.{is_up, master_audio, thr} map onto this.
struct VoiceprintConfig {
  bool enabled = false;
  double threshold = 0.0;           // 0 = the encoder's calibrated default
  std::vector<std::string> owners;  // enrolment audio files
  // engine, url, timeout_ms, min_speech_seconds (voiceprint.* keys).
  SpeakerEncoderConfig encoder;
  // Name the speaker of each turn among the owners and the library voices.
  bool identify = false;
  // Added to the LLM's system prompt when a speaker is identified; "{name}"
  // becomes the name. "" tells the LLM nothing.
  std::string prompt_template = "The speaker is {name}.";

  void Validate() const;
  std::string ToString() const;
  // prompt_template with the name filled in.
  std::string RenderPrompt(const std::string& name) const;
};

}  // namespace mv
