#include "server/http-types.h"

#include <nlohmann/json.hpp>

#include "common/json-dump.h"

namespace mv {

std::string HttpRequest::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Error(int status, std::string_view type, std::string_view code,
                                 std::string_view message) {
  nlohmann::json j = {{"error", {{"message", message}, {"type", type}, {"code", code}}}};
  return Json(status, SafeDump(j));
}

}  // namespace mv
