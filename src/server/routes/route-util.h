// The one exception boundary of every route: jobs run on the compute pool,
// mv::Error becomes a JSON error with its status, anything else a 500.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/http-types.h"
#include "server/routes/server-context.h"

namespace mv {

class HttpServer;

// Maps the current exception (call inside catch) to our JSON error shape.
HttpResponse ErrorResponseFromCurrentException();

// Runs `job` on the compute pool and sends what it returns; a throw is
// answered by `on_error` (called inside the catch: the API family's shape).
void RunOnCompute(ServerContext& ctx, std::shared_ptr<Responder> responder,
                  std::function<HttpResponse(const CancelToken&)> job,
                  HttpResponse (*on_error)() = ErrorResponseFromCurrentException);

// Parses a JSON object body or throws mv::Error kInvalidInput "bad_json".
std::string RequireJsonObjectField(const std::string& body, const std::string& field);

void RegisterHealthRoutes(HttpServer& server, ServerContext& ctx);
void RegisterMoeChatRoutes(HttpServer& server, ServerContext& ctx);
void RegisterMirrorChatRoutes(HttpServer& server, ServerContext& ctx);
void RegisterVoiceRoutes(HttpServer& server, ServerContext& ctx);
void RegisterRealtimeRoutes(HttpServer& server, ServerContext& ctx);
// Last: its /v1/* fallback answers unknown /v1 paths in OpenAI's error shape.
void RegisterOpenAiRoutes(HttpServer& server, ServerContext& ctx);
void RegisterWebRoutes(HttpServer& server, ServerContext& ctx);

}  // namespace mv
