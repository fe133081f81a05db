#include "server/routes/route-util.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/client-text.h"
#include "common/error.h"

namespace mv {

HttpResponse ErrorResponseFromCurrentException() {
  try {
    throw;
  } catch (const Error& e) {
    if (IsServerSide(e)) spdlog::error("{}: {}", e.code(), e.what());
    return HttpResponse::Error(e.HttpStatus(), Error::KindName(e.kind()), e.code(),
                               ClientMessage(e));
  } catch (const std::exception& e) {
    spdlog::error("unexpected exception: {}", e.what());
    return HttpResponse::Error(500, "internal_error", "exception", "internal error");
  }
}

void RunOnCompute(ServerContext& ctx, std::shared_ptr<Responder> responder,
                  std::function<HttpResponse(const CancelToken&)> job, HttpResponse (*on_error)()) {
  ctx.compute->Post([responder = std::move(responder), job = std::move(job), on_error] {
    if (responder->cancel().IsCancelled()) return;  // the client left while queued
    HttpResponse response;
    try {
      response = job(responder->cancel());
    } catch (...) {
      response = on_error();
    }
    responder->Send(std::move(response));
  });
}

std::string RequireJsonObjectField(const std::string& body, const std::string& field) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    throw Error(ErrorKind::kInvalidInput, "bad_json", "request body is not valid JSON");
  if (!j.is_object())
    throw Error(ErrorKind::kInvalidInput, "bad_json", "request body must be a JSON object");
  auto it = j.find(field);
  if (it == j.end())
    throw Error(ErrorKind::kInvalidInput, "missing_field", "missing field '" + field + "'");
  if (!it->is_string())
    throw Error(ErrorKind::kInvalidInput, "bad_field", "field '" + field + "' must be a string");
  return it->get<std::string>();
}

}  // namespace mv
