// A realtime session's settings, and the `session` object of session.update /
// session.created in both shapes: beta (flat: voice, turn_detection,
// input_audio_format...) and GA (type "realtime", audio.input / audio.output).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "llm/llm.h"
#include "realtime/realtime-config.h"

namespace mv {

struct RealtimeSettings {
  std::string instructions;
  std::string voice;  // "" = the TTS engine's; an engine voice, a library id, or "mirror"
  // turn_detection: null = manual turns (commit + response.create).
  bool server_vad = true;
  std::string vad_type = "server_vad";  // echoed; semantic_vad works as server_vad
  double threshold = 0.5;
  int prefix_padding_ms = 300;
  int silence_duration_ms = 500;
  bool create_response = true;
  bool interrupt_response = true;
  std::optional<double> temperature;
  std::optional<int> max_output_tokens;
  // session.model naming one of the LLM models the server offers picks it;
  // any other name ("gpt-realtime") keeps the default.
  std::string llm_model;
  // Transcription language ("en", "zh"): the ASR's when it knows several,
  // and the spoken reply's. "" = the configured ones.
  std::string language;
  // Functions the client declared (session.tools); it runs them itself.
  std::vector<ToolSpec> tools;
  std::string tool_choice = "auto";  // "auto", "none", "required" or a function name

  static RealtimeSettings FromConfig(const RealtimeConfig& config,
                                     const std::string& system_prompt);
};

// `current` with a session.update's `session` object (either shape) applied.
// Throws mv::Error kInvalidInput (code "unsupported_audio_format" or
// "invalid_value"); nothing is applied then. The voice is not checked here.
RealtimeSettings ApplySessionUpdate(const RealtimeSettings& current, const nlohmann::json& session);

// session.tools ([{type: "function", name, description, parameters}]) and
// session.tool_choice ("auto" | "none" | "required" | {type: "function",
// name}) into `s`; throws mv::Error kInvalidInput "invalid_value".
void ApplyRealtimeTools(RealtimeSettings& s, const nlohmann::json& session);
// The same two fields as the server echoes them.
void PutRealtimeTools(const RealtimeSettings& s, nlohmann::json& session);

// The session object the server sends, in the protocol's shape.
nlohmann::json SessionJson(const RealtimeSettings& settings, const std::string& id,
                           const std::string& shown_voice, bool beta);

}  // namespace mv
