#include "server/routes/voice-support.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/error.h"
#include "common/metrics.h"

namespace mv {
namespace {

std::string Fixed3(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", v);
  return text;
}

AudioBuffer ReadOwnerAudio(const std::string& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "bad_config", key + ": cannot read '" + path + "'");
  std::stringstream bytes;
  bytes << in.rdbuf();
  try {
    return DecodeAudio(bytes.str());
  } catch (const Error& e) {
    throw Error(e.kind(), "bad_config", key + ": '" + path + "': " + e.what());
  }
}

}  // namespace

void SetUpVoiceIdentity(ServerContext& ctx) {
  Asr* asr = ctx.asr.get();
  Transcriber transcribe = nullptr;
  if (asr) {
    transcribe = [asr](const AudioBuffer& audio, const CancelToken& cancel) {
      return asr->Transcribe(Resample(audio, asr->SampleRate()), cancel).text;
    };
  }
  ctx.voices = std::make_unique<VoiceLibrary>(ctx.config.library, std::move(transcribe));
  const VoiceprintConfig& vp = ctx.config.voiceprint;
  if (!vp.enabled && !vp.identify) return;
  ctx.speaker_encoder = CreateSpeakerEncoder(vp.encoder, ctx.http);
  ctx.speakers = std::make_unique<SpeakerGate>(*ctx.speaker_encoder, vp.threshold);
  for (std::size_t i = 0; i < vp.owners.size(); ++i) {
    const std::string key = "voiceprint.owners[" + std::to_string(i) + "]";
    const std::string name = std::filesystem::path(vp.owners[i]).stem().string();
    try {
      ctx.speakers->Enroll("owner:" + std::to_string(i), name, ReadOwnerAudio(vp.owners[i], key),
                           /*owner=*/true);
    } catch (const Error& e) {
      if (e.code() == "bad_config") throw;
      throw Error(e.kind(), "bad_config", key + ": '" + vp.owners[i] + "': " + e.what());
    }
  }
  if (vp.identify) {
    for (const LibraryVoice& v : ctx.voices->List()) {
      try {
        ctx.speakers->Enroll("voice:" + v.id, v.name, ctx.voices->LoadAudio(v.id), false);
      } catch (const Error& e) {
        spdlog::warn("voice '{}' cannot be identified: {}", v.id, e.what());
      }
    }
  }
  spdlog::info("voiceprint: engine {}, threshold {:.3f}, {} owners, {} speakers{}",
               ctx.speaker_encoder->Name(), ctx.speakers->threshold(), ctx.speakers->owners(),
               ctx.speakers->size(), vp.enabled ? ", gate on" : "");
}

std::optional<SpeakerCheck> CheckSpeaker(const ServerContext& ctx, const AudioBuffer& audio,
                                         const CancelToken& cancel) {
  const VoiceprintConfig& vp = ctx.config.voiceprint;
  if ((!vp.enabled && !vp.identify) || !ctx.speakers) return std::nullopt;
  SpeakerCheck check = ctx.speakers->Check(audio, cancel);
  Metrics::Global().Increment("mirrorvox_voiceprint_checks_total",
                              {{"outcome", check.OutcomeName()}});
  spdlog::info("voiceprint: {} speaker={} score={:.3f} owner_score={:.3f} voiced={:.2f}s ({})",
               check.OutcomeName(), check.SpeakerOrUnknown(), check.speaker_score,
               check.owner_score, check.voiced_seconds, check.reason);
  return check;
}

bool GateRefuses(const ServerContext& ctx, const SpeakerCheck& check) {
  return ctx.config.voiceprint.enabled && !check.accepted();
}

HeaderList SpeakerHeaders(const ServerContext& ctx, const SpeakerCheck& check) {
  HeaderList h;
  if (ctx.config.voiceprint.enabled) {
    h.emplace_back("X-Voiceprint", check.OutcomeName());
    h.emplace_back("X-Voiceprint-Score", Fixed3(check.owner_score));
  }
  if (ctx.config.voiceprint.identify && check.outcome != GateOutcome::kNotEnoughSpeech) {
    h.emplace_back("X-Speaker", check.SpeakerOrUnknown());
    h.emplace_back("X-Speaker-Score", Fixed3(check.speaker_score));
  }
  return h;
}

void ApplySpeaker(const ServerContext& ctx, const SpeakerCheck& check, ChatTurnRequest& turn) {
  const VoiceprintConfig& vp = ctx.config.voiceprint;
  if (!vp.identify || check.speaker_name.empty() || vp.prompt_template.empty()) return;
  std::string prompt = turn.chat_options.system_prompt.value_or(ctx.config.llm.system_prompt);
  if (!prompt.empty()) prompt += "\n";
  turn.chat_options.system_prompt = prompt + vp.RenderPrompt(check.speaker_name);
}

std::shared_ptr<const VoiceReference> LibraryReference(const ServerContext& ctx,
                                                       const std::string& voice) {
  if (voice.empty() || voice == "mirror" || voice == "default") return nullptr;
  if (!ctx.voices) throw Error(ErrorKind::kNotFound, "no_voice", "no voice library is configured");
  return ctx.voices->Reference(voice);
}

std::string OptionalJsonString(const std::string& body, const std::string& field) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "";  // the route's own parser reports bad JSON
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string())
    throw Error(ErrorKind::kInvalidInput, "bad_field", "field '" + field + "' must be a string");
  return it->get<std::string>();
}

}  // namespace mv
