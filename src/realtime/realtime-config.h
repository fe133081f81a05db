#pragma once

#include <cstddef>
#include <string>

namespace mv {

// Defaults of a /v1/realtime session (`realtime.*` in the config); a client's
// session.update overrides them for its own session.
struct RealtimeConfig {
  // Voice activity detection: "webrtc" (libwebrtc-audio-processing's
  // detector gated by a level threshold).
  std::string vad_engine = "webrtc";
  // OpenAI's server_vad settings: 0..1, higher = louder speech needed.
  double vad_threshold = 0.5;
  int prefix_padding_ms = 300;    // audio kept from before speech started
  int silence_duration_ms = 500;  // silence that ends a turn
  // "" = llm.system_prompt.
  std::string instructions;
  // "" = the TTS engine's default voice; a library voice id or "mirror" works too.
  std::string voice;
  int max_sessions = 256;
  // Input audio kept for one turn; longer speech is cut into a turn.
  double max_turn_seconds = 60.0;

  void Validate() const;  // throws mv::Error kInvalidInput "bad_config" naming the key
  std::string ToString() const;
};

}  // namespace mv
