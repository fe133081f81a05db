#include "realtime/realtime-settings.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace mv {
namespace {

using json = nlohmann::json;

[[noreturn]] void Invalid(const std::string& code, const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, code, message);
}

// Beta: "pcm16"; GA: {"type": "audio/pcm", "rate": 24000}.
void CheckFormat(const json& format, const std::string& param) {
  if (format.is_null()) return;
  if (format.is_string()) {
    if (format.get<std::string>() != "pcm16")
      Invalid("unsupported_audio_format", param + ": only pcm16 (24 kHz mono) is supported, got '" +
                                              format.get<std::string>() + "'");
    return;
  }
  if (!format.is_object()) Invalid("invalid_value", param + " must be a string or an object");
  const std::string type = format.value("type", "audio/pcm");
  if (type != "audio/pcm")
    Invalid("unsupported_audio_format",
            param + ": only audio/pcm is supported, got '" + type + "'");
  if (format.contains("rate") &&
      !(format["rate"].is_number() && format["rate"].get<double>() == 24000))
    Invalid("unsupported_audio_format", param + ": only 24000 Hz is supported");
}

template <typename T>
T Get(const json& object, const char* key, const std::string& where) {
  try {
    return object.at(key).get<T>();
  } catch (const json::exception&) {
    Invalid("invalid_value", where + "." + key + " has the wrong type");
  }
}

void ApplyTurnDetection(RealtimeSettings& s, const json& td, const std::string& param) {
  if (td.is_null()) {
    s.server_vad = false;
    return;
  }
  if (!td.is_object()) Invalid("invalid_value", param + " must be an object or null");
  s.server_vad = true;
  if (td.contains("type")) {
    s.vad_type = Get<std::string>(td, "type", param);
    if (s.vad_type != "server_vad" && s.vad_type != "semantic_vad")
      Invalid("invalid_value", param + ".type must be server_vad or semantic_vad");
  }
  if (td.contains("threshold")) {
    s.threshold = Get<double>(td, "threshold", param);
    if (!(s.threshold >= 0.0 && s.threshold <= 1.0))
      Invalid("invalid_value", param + ".threshold must be between 0 and 1");
  }
  if (td.contains("prefix_padding_ms")) {
    s.prefix_padding_ms = Get<int>(td, "prefix_padding_ms", param);
    if (s.prefix_padding_ms < 0 || s.prefix_padding_ms > 5000)
      Invalid("invalid_value", param + ".prefix_padding_ms must be between 0 and 5000");
  }
  if (td.contains("silence_duration_ms")) {
    s.silence_duration_ms = Get<int>(td, "silence_duration_ms", param);
    if (s.silence_duration_ms < 100 || s.silence_duration_ms > 10000)
      Invalid("invalid_value", param + ".silence_duration_ms must be between 100 and 10000");
  }
  if (td.contains("create_response")) s.create_response = Get<bool>(td, "create_response", param);
  if (td.contains("interrupt_response"))
    s.interrupt_response = Get<bool>(td, "interrupt_response", param);
}

void ApplyLanguage(RealtimeSettings& s, const json& transcription, const std::string& param) {
  if (transcription.is_null() || !transcription.contains("language")) return;
  const std::string lang = Get<std::string>(transcription, "language", param);
  const bool ok = lang.size() <= 16 && std::all_of(lang.begin(), lang.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                  });
  if (!ok) Invalid("invalid_value", param + ".language must be a language code such as en or zh");
  s.language = lang;
}

void ApplyMaxTokens(RealtimeSettings& s, const json& v, const std::string& param) {
  if (v.is_string() && v.get<std::string>() == "inf") {
    s.max_output_tokens.reset();
  } else if (v.is_number_integer() && v.get<int>() >= 1) {
    s.max_output_tokens = v.get<int>();
  } else {
    Invalid("invalid_value", param + " must be a positive integer or \"inf\"");
  }
}

json Transcription(const RealtimeSettings& s) {
  json t = {{"model", "mirrorvox"}};
  if (!s.language.empty()) t["language"] = s.language;
  return t;
}

json TurnDetectionJson(const RealtimeSettings& s) {
  if (!s.server_vad) return nullptr;
  return {{"type", s.vad_type},
          {"threshold", s.threshold},
          {"prefix_padding_ms", s.prefix_padding_ms},
          {"silence_duration_ms", s.silence_duration_ms},
          {"create_response", s.create_response},
          {"interrupt_response", s.interrupt_response}};
}

}  // namespace

RealtimeSettings RealtimeSettings::FromConfig(const RealtimeConfig& config,
                                              const std::string& system_prompt) {
  RealtimeSettings s;
  s.instructions = config.instructions.empty() ? system_prompt : config.instructions;
  s.voice = config.voice;
  s.threshold = config.vad_threshold;
  s.prefix_padding_ms = config.prefix_padding_ms;
  s.silence_duration_ms = config.silence_duration_ms;
  return s;
}

RealtimeSettings ApplySessionUpdate(const RealtimeSettings& current, const json& session) {
  if (!session.is_object()) Invalid("invalid_value", "session must be an object");
  RealtimeSettings s = current;
  if (session.contains("instructions"))
    s.instructions = Get<std::string>(session, "instructions", "session");
  if (session.contains("model")) {
    s.llm_model = Get<std::string>(session, "model", "session");
    if (s.llm_model.size() > 256) Invalid("invalid_value", "session.model is too long");
  }
  if (session.contains("input_audio_transcription"))
    ApplyLanguage(s, session["input_audio_transcription"], "session.input_audio_transcription");
  // Beta shape.
  if (session.contains("voice")) s.voice = Get<std::string>(session, "voice", "session");
  if (session.contains("input_audio_format"))
    CheckFormat(session["input_audio_format"], "session.input_audio_format");
  if (session.contains("output_audio_format"))
    CheckFormat(session["output_audio_format"], "session.output_audio_format");
  if (session.contains("turn_detection"))
    ApplyTurnDetection(s, session["turn_detection"], "session.turn_detection");
  if (session.contains("temperature")) {
    if (!session["temperature"].is_number())
      Invalid("invalid_value", "session.temperature must be a number");
    s.temperature = session["temperature"].get<double>();
  }
  if (session.contains("max_response_output_tokens"))
    ApplyMaxTokens(s, session["max_response_output_tokens"], "session.max_response_output_tokens");
  ApplyRealtimeTools(s, session);
  // GA shape.
  if (session.contains("max_output_tokens"))
    ApplyMaxTokens(s, session["max_output_tokens"], "session.max_output_tokens");
  if (session.contains("audio")) {
    const json& audio = session["audio"];
    if (!audio.is_object()) Invalid("invalid_value", "session.audio must be an object");
    if (audio.contains("input")) {
      const json& in = audio["input"];
      if (!in.is_object()) Invalid("invalid_value", "session.audio.input must be an object");
      if (in.contains("format")) CheckFormat(in["format"], "session.audio.input.format");
      if (in.contains("turn_detection"))
        ApplyTurnDetection(s, in["turn_detection"], "session.audio.input.turn_detection");
      if (in.contains("transcription"))
        ApplyLanguage(s, in["transcription"], "session.audio.input.transcription");
    }
    if (audio.contains("output")) {
      const json& out = audio["output"];
      if (!out.is_object()) Invalid("invalid_value", "session.audio.output must be an object");
      if (out.contains("format")) CheckFormat(out["format"], "session.audio.output.format");
      if (out.contains("voice")) s.voice = Get<std::string>(out, "voice", "session.audio.output");
    }
  }
  return s;
}

json SessionJson(const RealtimeSettings& s, const std::string& id, const std::string& shown_voice,
                 bool beta) {
  const json max_tokens = s.max_output_tokens ? json(*s.max_output_tokens) : json("inf");
  json out;
  if (beta) {
    out = {{"id", id},
            {"object", "realtime.session"},
            {"model", "mirrorvox"},
            {"modalities", {"audio", "text"}},
            {"instructions", s.instructions},
            {"voice", shown_voice},
            {"input_audio_format", "pcm16"},
            {"output_audio_format", "pcm16"},
            {"input_audio_transcription", Transcription(s)},
            {"turn_detection", TurnDetectionJson(s)},
            {"temperature", s.temperature.value_or(0.8)},
            {"max_response_output_tokens", max_tokens}};
    PutRealtimeTools(s, out);
    return out;
  }
  const json format = {{"type", "audio/pcm"}, {"rate", 24000}};
  out = {{"type", "realtime"},
          {"object", "realtime.session"},
          {"id", id},
          {"model", "mirrorvox"},
          {"output_modalities", {"audio"}},
          {"instructions", s.instructions},
          {"max_output_tokens", max_tokens},
          {"audio",
           {{"input",
             {{"format", format},
              {"transcription", Transcription(s)},
              {"turn_detection", TurnDetectionJson(s)}}},
            {"output", {{"format", format}, {"voice", shown_voice}}}}}};
  PutRealtimeTools(s, out);
  return out;
}

}  // namespace mv
