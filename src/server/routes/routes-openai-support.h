// What the OpenAI-compatible /v1 routes share: OpenAI's error shape
// {"error": {"message", "type", "param", "code"}}, one exception boundary per
// route that produces it, the model ids this server lists, and how a request's
// `voice` becomes an engine voice or a library reference.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "server/http-server.h"
#include "server/http-types.h"
#include "server/routes/server-context.h"

namespace mv {

// An mv::Error that names the request parameter at fault (OpenAI's `param`).
class ParamError : public Error {
 public:
  ParamError(std::string param, ErrorKind kind, std::string code, const std::string& message)
      : Error(kind, std::move(code), message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// Throws ParamError kInvalidInput (400).
[[noreturn]] void ThrowBadParam(const std::string& param, const std::string& code,
                                const std::string& message);

// type: "invalid_request_error" for 4xx, "server_error" for 5xx; an empty
// param is null.
HttpResponse OpenAiError(int status, const std::string& message, const std::string& param,
                         const std::string& code);
HttpResponse OpenAiErrorFrom(const Error& error);
// Call inside catch: the current exception in OpenAI's shape.
HttpResponse OpenAiErrorFromCurrentException();

// Wraps a /v1 handler: whatever it throws is answered in OpenAI's shape.
HttpHandler OpenAiRoute(HttpHandler handler);
// RunOnCompute() with OpenAI's error shape.
void RunOpenAiJob(ServerContext& ctx, std::shared_ptr<Responder> responder,
                  std::function<HttpResponse(const CancelToken&)> job);

// Model ids of GET /v1/models. Requests may name any model: it is not checked.
inline constexpr const char* kAsrModelId = "mirrorvox-asr";
inline constexpr const char* kTtsModelId = "mirrorvox-tts";
inline constexpr const char* kRealtimeModelId = "mirrorvox";
// The ids above plus each configured LLM model, without duplicates.
std::vector<std::string> OfferedModelIds(const ServerContext& ctx);

// OpenAI's built-in voice names (alloy, ash, ... cedar): they speak in the
// configured default voice, so unchanged clients work.
bool IsOpenAiBuiltinVoice(const std::string& name);
// The voice used when a request names none or a built-in one.
std::string DefaultVoiceName(const ServerContext& ctx);

struct ResolvedVoice {
  std::string engine_voice;                         // "" = the engine's configured voice
  std::shared_ptr<const VoiceReference> reference;  // a library voice; null = none
};
// An engine voice, a library id, or a built-in name; anything else throws
// ParamError "voice" / "unknown_voice" (400). Cheap: no disk access.
ResolvedVoice ResolveSpeechVoice(const ServerContext& ctx, const std::string& voice);

// Registered by RegisterOpenAiRoutes().
void RegisterOpenAiTranscriptionRoutes(HttpServer& server, ServerContext& ctx);
void RegisterOpenAiSpeechRoutes(HttpServer& server, ServerContext& ctx);
void RegisterOpenAiModelRoutes(HttpServer& server, ServerContext& ctx);

}  // namespace mv
