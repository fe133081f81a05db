// Realtime client events (/v1/realtime), read as RealtimeSession::Handle
// reads them: the envelope (a JSON object with a string type), and the
// session object of session.update, the event that carries the most
// structure (turn detection, formats, tools, tool_choice, in the beta and GA
// shapes). A bad event is an mv::Error kInvalidInput, never another
// exception; what is accepted is idempotent, and the session object the
// server echoes, sent back as an update, changes nothing.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "fuzz-target.h"
#include "realtime/realtime-settings.h"

namespace {

using nlohmann::json;

// Applies or returns nullopt on a client error; anything else is a bug.
std::optional<mv::RealtimeSettings> Apply(const mv::RealtimeSettings& current, const json& session) {
  try {
    return mv::ApplySessionUpdate(current, session);
  } catch (const mv::Error& e) {
    if (e.kind() != mv::ErrorKind::kInvalidInput) std::abort();
    return std::nullopt;
  }
}

json Echo(const mv::RealtimeSettings& s, bool beta) {
  return mv::SessionJson(s, "sess_fuzz", s.voice, beta);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json event = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return 0;
  auto type = event.find("type");
  if (type == event.end() || !type->is_string() || *type != "session.update") return 0;
  auto session = event.find("session");
  if (session == event.end()) return 0;

  mv::RealtimeConfig config;
  const mv::RealtimeSettings defaults = mv::RealtimeSettings::FromConfig(config, "Be brief.");
  const std::optional<mv::RealtimeSettings> next = Apply(defaults, *session);
  if (!next) return 0;
  for (bool beta : {true, false}) {
    const json echoed = Echo(*next, beta);
    const std::optional<mv::RealtimeSettings> twice = Apply(*next, *session);
    if (!twice || Echo(*twice, beta) != echoed) std::abort();
    const std::optional<mv::RealtimeSettings> back = Apply(defaults, echoed);
    if (!back || Echo(*back, beta) != echoed) std::abort();
  }
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      R"({"type":"session.update","event_id":"e1","session":{"instructions":"Talk like a pirate.",)"
      R"("voice":"alice","input_audio_format":"pcm16","output_audio_format":"pcm16",)"
      R"("input_audio_transcription":{"model":"whisper-1","language":"en"},)"
      R"("turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":200,)"
      R"("silence_duration_ms":700,"create_response":true,"interrupt_response":false},)"
      R"("temperature":0.7,"max_response_output_tokens":"inf"}})",
      R"({"type":"session.update","session":{"type":"realtime","model":"gpt-realtime",)"
      R"("output_modalities":["audio"],"max_output_tokens":256,"audio":{"input":{"format":)"
      R"({"type":"audio/pcm","rate":24000},"transcription":{"language":"zh"},"turn_detection":)"
      R"({"type":"semantic_vad"}},"output":{"format":{"type":"audio/pcm","rate":24000},)"
      R"("voice":"mirror"}}}})",
      R"({"type":"session.update","session":{"tools":[{"type":"function","name":"get_weather",)"
      R"("description":"Weather of a city","parameters":{"type":"object","properties":)"
      R"({"city":{"type":"string"}},"required":["city"]}},{"name":"hang_up"}],)"
      R"("tool_choice":{"type":"function","name":"get_weather"}}})",
      R"({"type":"session.update","session":{"turn_detection":null,"tool_choice":"required"}})",
      R"({"type":"session.update","session":{"input_audio_format":"g711_ulaw"}})",
      R"({"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/pcmu"}}}}})",
      R"({"type":"session.update","session":{"turn_detection":{"threshold":2}}})",
      R"({"type":"session.update","session":[]})",
      R"({"type":"input_audio_buffer.append","audio":"AAAA"})",
      R"({"type":"response.create","response":{"instructions":"Say hi."}})",
  };
}
