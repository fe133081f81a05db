#include "server/routes/routes-openai-support.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/client-text.h"
#include "common/json-dump.h"
#include "server/routes/route-util.h"

namespace mv {
namespace {

constexpr std::array<const char*, 13> kBuiltinVoices = {
    "alloy", "ash",  "ballad",  "coral", "echo",  "fable", "onyx",
    "nova",  "sage", "shimmer", "verse", "marin", "cedar"};

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool IsEnglishTag(const std::string& language) {
  return language == "en" || language.rfind("en-", 0) == 0 || language.rfind("en_", 0) == 0;
}

}  // namespace

void ThrowBadParam(const std::string& param, const std::string& code, const std::string& message) {
  throw ParamError(param, ErrorKind::kInvalidInput, code, message);
}

HttpResponse OpenAiError(int status, const std::string& message, const std::string& param,
                         const std::string& code) {
  nlohmann::json error = {{"message", message},
                          {"type", status >= 500 ? "server_error" : "invalid_request_error"},
                          {"param", nullptr},
                          {"code", nullptr}};
  if (!param.empty()) error["param"] = param;
  if (!code.empty()) error["code"] = code;
  return HttpResponse::Json(status, SafeDump(nlohmann::json{{"error", error}}));
}

HttpResponse OpenAiErrorFrom(const Error& error) {
  if (IsServerSide(error)) spdlog::error("{}: {}", error.code(), error.what());
  const auto* with_param = dynamic_cast<const ParamError*>(&error);
  return OpenAiError(error.HttpStatus(), ClientMessage(error),
                     with_param ? with_param->param() : "", error.code());
}

HttpResponse OpenAiErrorFromCurrentException() {
  try {
    throw;
  } catch (const Error& e) {
    return OpenAiErrorFrom(e);
  } catch (const std::exception& e) {
    spdlog::error("unexpected exception: {}", e.what());
    return OpenAiError(500, "internal error", "", "exception");
  }
}

HttpHandler OpenAiRoute(HttpHandler handler) {
  return [handler = std::move(handler)](std::shared_ptr<HttpRequest> req,
                                        std::shared_ptr<Responder> responder) {
    try {
      handler(std::move(req), responder);
    } catch (...) {
      responder->Send(OpenAiErrorFromCurrentException());
    }
  };
}

void RunOpenAiJob(ServerContext& ctx, std::shared_ptr<Responder> responder,
                  std::function<HttpResponse(const CancelToken&)> job) {
  RunOnCompute(ctx, std::move(responder), std::move(job), OpenAiErrorFromCurrentException);
}

std::vector<std::string> OfferedModelIds(const ServerContext& ctx) {
  std::vector<std::string> ids = {kAsrModelId, kTtsModelId, kRealtimeModelId};
  for (const LlmEndpoint& e : ctx.config.llm.endpoints)
    if (!e.model.empty() && !Contains(ids, e.model)) ids.push_back(e.model);
  return ids;
}

bool IsOpenAiBuiltinVoice(const std::string& name) {
  return std::find(kBuiltinVoices.begin(), kBuiltinVoices.end(), name) != kBuiltinVoices.end();
}

std::string DefaultVoiceName(const ServerContext& ctx) {
  if (!ctx.config.tts.voice.empty()) return ctx.config.tts.voice;
  const std::vector<std::string> voices = ctx.tts->Voices();
  // The embedded router speaks English with flite's slt, Mandarin with espeak-ng's cmn.
  const std::string& language = ctx.config.tts.language;
  if (IsEnglishTag(language) && Contains(voices, "slt")) return "slt";
  if ((language == "zh" || language.rfind("zh-", 0) == 0) && Contains(voices, "cmn")) return "cmn";
  if (Contains(voices, language)) return language;
  return voices.empty() ? "default" : voices.front();
}

ResolvedVoice ResolveSpeechVoice(const ServerContext& ctx, const std::string& voice) {
  ResolvedVoice out;
  if (voice.empty() || voice == "default") return out;
  if (Contains(ctx.tts->Voices(), voice)) {
    out.engine_voice = voice;
    return out;
  }
  if (ctx.voices && ctx.voices->Find(voice)) {
    out.reference = ctx.voices->Reference(voice);
    return out;
  }
  if (IsOpenAiBuiltinVoice(voice)) return out;
  if (voice == "mirror")
    ThrowBadParam("voice", "unknown_voice",
                  "voice 'mirror' answers in the caller's own voice: it needs the caller's "
                  "speech (/v1/realtime, /process_audio), not text");
  ThrowBadParam("voice", "unknown_voice",
                "unknown voice '" + voice +
                    "': use an engine voice, a voice-library id or an OpenAI voice name (GET "
                    "/v1/audio/voices lists them)");
}

}  // namespace mv
