// The GPT-SoVITS voice chat server's API (PROTOCOLS.md A1), kept drop-in.
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"

namespace mv {

void RegisterMoeChatRoutes(HttpServer& server, ServerContext& ctx) {
  // {"data": "<base64 WAV>"} -> "transcript" (JSON string).
  server.Route("POST", "/api/asr", [&ctx](std::shared_ptr<HttpRequest> req,
                                          std::shared_ptr<Responder> responder) {
    // Parse on the I/O thread: cheap, and bad JSON is answered at once.
    std::string data = RequireJsonObjectField(req->body, "data");
    RunOnCompute(ctx, responder, [&ctx, data = std::move(data)](const CancelToken& cancel) {
      std::string bytes = Base64Decode(data);
      AudioBuffer audio = DecodeAudio(bytes, ctx.config.audio);
      audio = Resample(audio, ctx.asr->SampleRate());
      AsrResult result = ctx.asr->Transcribe(audio, cancel);
      return HttpResponse::Json(200, nlohmann::json(result.text).dump());
    });
  });
}

}  // namespace mv
