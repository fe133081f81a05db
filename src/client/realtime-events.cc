#include "client/realtime-events.h"

#include <cmath>
#include <cstdint>

#include "audio/audio-encoder.h"
#include "client/audio-io.h"
#include "common/base64.h"
#include "common/error.h"

namespace mv {

using json = nlohmann::json;

json SessionUpdateEvent(const ClientConfig& config) {
  json format = {{"type", "audio/pcm"}, {"rate", kClientRate}};
  json input = {{"format", format}};
  if (config.push_to_talk) {
    input["turn_detection"] = nullptr;
  } else if (config.vad_threshold >= 0 || config.silence_ms >= 0) {
    json vad = {{"type", "server_vad"}, {"create_response", true}, {"interrupt_response", true}};
    if (config.vad_threshold >= 0) vad["threshold"] = config.vad_threshold;
    if (config.silence_ms >= 0) vad["silence_duration_ms"] = config.silence_ms;
    input["turn_detection"] = vad;
  }
  json output = {{"format", format}};
  if (!config.voice.empty()) output["voice"] = config.voice;
  json session = {{"type", "realtime"},
                  {"output_modalities", {"audio"}},
                  {"audio", {{"input", input}, {"output", output}}}};
  if (!config.instructions.empty()) session["instructions"] = config.instructions;
  return {{"type", "session.update"}, {"session", session}};
}

json AppendEvent(const float* samples, std::size_t n) {
  return {{"type", "input_audio_buffer.append"}, {"audio", Base64Encode(ToPcm16(samples, n))}};
}

json TextItemEvent(const std::string& text) {
  return {{"type", "conversation.item.create"},
          {"item",
           {{"type", "message"},
            {"role", "user"},
            {"content", json::array({{{"type", "input_text"}, {"text", text}}})}}}};
}

std::vector<float> DecodeAudioDelta(const std::string& base64) {
  std::string bytes;
  try {
    bytes = Base64Decode(base64);
  } catch (const Error& e) {
    throw Error(ErrorKind::kInvalidInput, "invalid_audio",
                std::string("audio delta is not base64: ") + e.what());
  }
  if (bytes.size() % 2 != 0)
    throw Error(ErrorKind::kInvalidInput, "invalid_audio", "audio delta has an odd byte count");
  return FromPcm16(bytes);
}

std::string FormatLatency(const json& timing) {
  if (!timing.is_object()) return "";
  static const std::pair<const char*, const char*> kStages[] = {
      {"asr_ms", "asr"},
      {"llm_first_token_ms", "llm first token"},
      {"first_segment_ms", "first sentence"},
      {"first_audio_ms", "first audio"},
      {"done_ms", "done"}};
  std::string line;
  for (const auto& [key, label] : kStages) {
    auto it = timing.find(key);
    if (it == timing.end() || !it->is_number()) continue;
    line += line.empty() ? "latency: " : ", ";
    line += std::string(label) + " " + std::to_string(std::llround(it->get<double>())) + " ms";
  }
  return line;
}

std::string DescribeError(const json& event) {
  json error = event.value("error", json::object());
  if (!error.is_object()) return error.dump();
  std::string code =
      error.value("code", json()).is_string() ? error["code"].get<std::string>() : "";
  std::string message =
      error.value("message", json()).is_string() ? error["message"].get<std::string>() : "";
  if (code.empty())
    code = error.value("type", json()).is_string() ? error["type"].get<std::string>() : "error";
  return message.empty() ? code : code + ": " + message;
}

}  // namespace mv
