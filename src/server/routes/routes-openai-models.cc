// GET /v1/models, GET /v1/models/{id} (OpenAI's shape) and GET
// /v1/audio/voices (mirrorvox extension, docs/realtime.md): what a client of
// the OpenAI-compatible API may ask for.
#include <chrono>
#include <nlohmann/json.hpp>

#include "common/client-text.h"
#include "common/json-dump.h"
#include "server/routes/routes-openai-support.h"

namespace mv {
namespace {

using nlohmann::json;

json ModelJson(const std::string& id, long long created) {
  return {{"id", id}, {"object", "model"}, {"created", created}, {"owned_by", "mirrorvox"}};
}

}  // namespace

void RegisterOpenAiModelRoutes(HttpServer& server, ServerContext& ctx) {
  // "created": when this server started (the models are whatever it loaded).
  const long long created = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();

  server.Route(
      "GET", "/v1/models", OpenAiRoute([&ctx, created](auto, std::shared_ptr<Responder> responder) {
        json data = json::array();
        for (const std::string& id : OfferedModelIds(ctx)) data.push_back(ModelJson(id, created));
        responder->Send(
            HttpResponse::Json(200, SafeDump(json{{"object", "list"}, {"data", data}})));
      }));

  server.Route("GET", "/v1/models/*",
               OpenAiRoute([&ctx, created](std::shared_ptr<HttpRequest> req,
                                           std::shared_ptr<Responder> responder) {
                 // Model ids may hold slashes ("Qwen/Qwen2.5-7B"): the whole rest is the id.
                 const std::string id = req->path.substr(std::string("/v1/models/").size());
                 for (const std::string& offered : OfferedModelIds(ctx)) {
                   if (offered == id) {
                     responder->Send(HttpResponse::Json(200, SafeDump(ModelJson(id, created))));
                     return;
                   }
                 }
                 responder->Send(OpenAiError(404,
                                             "The model '" + QuotableText(id) + "' does not exist",
                                             "model", "model_not_found"));
               }));

  // {"voices": [{"id", "kind": "engine"|"library"|"mirror"}], "default"}.
  server.Route("GET", "/v1/audio/voices",
               OpenAiRoute([&ctx](auto, std::shared_ptr<Responder> responder) {
                 json voices = json::array();
                 for (const std::string& v : ctx.tts->Voices())
                   voices.push_back({{"id", v}, {"kind", "engine"}});
                 if (ctx.voices)
                   for (const LibraryVoice& v : ctx.voices->List())
                     voices.push_back({{"id", v.id}, {"kind", "library"}, {"name", v.name}});
                 voices.push_back({{"id", "mirror"}, {"kind", "mirror"}});
                 responder->Send(HttpResponse::Json(
                     200, SafeDump(json{{"voices", voices}, {"default", DefaultVoiceName(ctx)}})));
               }));
}

}  // namespace mv
