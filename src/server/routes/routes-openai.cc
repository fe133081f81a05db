// The OpenAI-compatible REST audio API (README "OpenAI-compatible audio
// API"): transcriptions, speech, models, voices. Every answer under /v1,
// unknown paths included, has OpenAI's error shape, so the official SDKs
// report our errors as they report OpenAI's.
#include <array>
#include <string_view>

#include "server/routes/route-util.h"
#include "server/routes/routes-openai-support.h"

namespace mv {
namespace {

struct KnownRoute {
  std::string_view method;
  std::string_view path;  // a trailing '*' matches any rest
};

constexpr std::array<KnownRoute, 5> kRoutes = {{
    {"POST", "/v1/audio/transcriptions"},
    {"POST", "/v1/audio/speech"},
    {"GET", "/v1/audio/voices"},
    {"GET", "/v1/models"},
    {"GET", "/v1/models/*"},
}};

bool Matches(const KnownRoute& route, const std::string& path) {
  if (route.path.ends_with('*'))
    return path.starts_with(route.path.substr(0, route.path.size() - 1));
  return path == route.path;
}

}  // namespace

void RegisterOpenAiRoutes(HttpServer& server, ServerContext& ctx) {
  RegisterOpenAiTranscriptionRoutes(server, ctx);
  RegisterOpenAiSpeechRoutes(server, ctx);
  RegisterOpenAiModelRoutes(server, ctx);
  // Routes match in registration order: these catch what nothing before
  // them took under /v1 (the /v1/realtime WebSocket is matched before any).
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    server.Route(
        method, "/v1/*",
        [](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
          for (const KnownRoute& r : kRoutes) {
            if (Matches(r, req->path)) {
              responder->Send(OpenAiError(405,
                                          req->method + " is not allowed on " + req->path +
                                              " (use " + std::string(r.method) + ")",
                                          "", "method_not_allowed"));
              return;
            }
          }
          responder->Send(OpenAiError(404, "Invalid URL (" + req->method + " " + req->path + ")",
                                      "", "unknown_url"));
        });
  }
}

}  // namespace mv
