#include <nlohmann/json.hpp>

#include "common/metrics.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"

namespace mv {

void RegisterHealthRoutes(HttpServer& server, ServerContext& ctx) {
  server.Route("GET", "/healthz", [&ctx](auto, std::shared_ptr<Responder> responder) {
    nlohmann::json j = {{"status", "ok"},
                        {"asr", ctx.config.asr.engine},
                        {"tts", ctx.config.tts.engine.empty() ? "auto" : ctx.config.tts.engine},
                        {"compute_threads", ctx.compute->size()},
                        {"queued_jobs", ctx.compute->queued()}};
    responder->Send(HttpResponse::Json(200, j.dump()));
  });
  // Prometheus text exposition format.
  server.Route("GET", "/metrics", [](auto, std::shared_ptr<Responder> responder) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = Metrics::Global().Render();
    responder->Send(std::move(r));
  });
}

}  // namespace mv
