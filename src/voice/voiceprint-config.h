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
  // /api/asr's answer for a refused speaker: "null" (JSON null, the 0.99
  // original) or "None" (the JSON string "None", which the 0.1.x original's
  // GUI client checks for). An original config.yaml picks its generation's.
  std::string reject_body = "null";

  void Validate() const;
  std::string ToString() const;
  // prompt_template with the name filled in.
  std::string RenderPrompt(const std::string& name) const;
  // reject_body as the JSON text to send.
  std::string RejectJson() const { return reject_body == "None" ? "\"None\"" : "null"; }
};

}  // namespace mv
