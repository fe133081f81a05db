#include "server/access-control.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace mv {
namespace {

enum class Need { kNothing, kLegacy, kScope };

struct RouteNeed {
  Need need = Need::kScope;
  const char* scope = "admin";
};

// The one table of what each path needs; unknown paths need admin, so a
// keyless caller learns nothing of which routes exist.
RouteNeed Classify(const std::string& method, const std::string& path) {
  const bool read = method == "GET" || method == "HEAD";
  if (path == "/healthz") return {Need::kNothing, ""};
  if (read && (path == "/" || path.starts_with("/web/"))) return {Need::kNothing, ""};
  if (path == "/api/asr" || path == "/api/chat" || path == "/process_audio")
    return {Need::kLegacy, "chat"};
  if (path == "/api/voices" || path.starts_with("/api/voices/"))
    return {Need::kScope, read ? "voices:read" : "voices:write"};
  if (path == "/v1" || path.starts_with("/v1/")) return {Need::kScope, "chat"};
  return {Need::kScope, "admin"};
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "localhost", "127.0.0.1", "[::1]", each with or without ":port".
bool LoopbackHost(const std::string& host_header) {
  std::string host = Lower(host_header);
  if (host.starts_with("[")) {
    const auto end = host.find(']');
    return end != std::string::npos && host.substr(0, end + 1) == "[::1]";
  }
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  if (!host.starts_with("127.")) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

std::string BearerKey(const HttpRequest& request, bool websocket) {
  const std::string auth = request.Header("authorization");
  if (auth.size() > 7 && Lower(auth.substr(0, 7)) == "bearer ") {
    std::string key = auth.substr(7);
    while (!key.empty() && key.front() == ' ') key.erase(0, 1);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    return key;
  }
  if (!websocket) return "";
  // Browsers cannot set headers on a WebSocket: OpenAI's convention.
  constexpr std::string_view kPrefix = "openai-insecure-api-key.";
  const std::string list = request.Header("sec-websocket-protocol");
  std::string_view items(list);
  while (!items.empty()) {
    std::string_view item = items.substr(0, items.find(','));
    items.remove_prefix(std::min(items.size(), item.size() + 1));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with(kPrefix)) return std::string(item.substr(kPrefix.size()));
  }
  return "";
}

HttpResponse Refusal(const HttpRequest& request, int status, const char* type, const char* code,
                     const std::string& message) {
  HttpResponse r = HttpResponse::Error(status, type, code, message);
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mirrorvox\"");
  (void)request;
  return r;
}

}  // namespace

AccessControl::AccessControl(const ServerConfig& config)
    : config_(config), keys_(config.auth.ResolvedKeysFile()) {}

bool AccessControl::KeysRequired() {
  if (config_.auth.mode == "open") return false;
  if (config_.auth.mode == "keys") return true;
  return !keys_.Empty();
}

void AccessControl::CheckStartup() {
  const std::string where = config_.host + ":" + std::to_string(config_.port);
  if (config_.auth.mode == "keys" && keys_.Empty())
    throw Error(ErrorKind::kInvalidInput, "auth_required",
                "server.auth.mode is keys but " + keys_.path() +
                    " holds no key: add one with `mirrorvox keys add NAME`");
  if (config_.auth.mode == "auto" && !config_.Loopback() && keys_.Empty())
    throw Error(ErrorKind::kInvalidInput, "auth_required",
                "refusing to serve " + where +
                    " beyond this machine without API keys: add one with `mirrorvox keys add "
                    "NAME`, or set server.auth.mode: open to let anyone who reaches the port in");
}

std::string AccessControl::Describe() {
  if (config_.auth.mode == "open") return "open (server.auth.mode: open, no keys checked)";
  if (KeysRequired()) return "API keys required (" + keys_.path() + ")";
  return "local clients only (loopback, no keys yet)";
}

bool AccessControl::OriginAllowed(const HttpRequest& request, bool* listed) const {
  *listed = false;
  const std::string origin = request.Header("origin");
  if (origin.empty()) return true;  // not a browser, or a same-origin navigation
  if (std::find(config_.cors_origins.begin(), config_.cors_origins.end(), origin) !=
      config_.cors_origins.end()) {
    *listed = true;
    return true;
  }
  const std::string host = Lower(request.Header("host"));
  const std::string o = Lower(origin);
  return !host.empty() && (o == "http://" + host || o == "https://" + host);
}

AccessDecision AccessControl::Check(const HttpRequest& request, bool websocket) {
  AccessDecision d;
  bool listed = false;
  if (!OriginAllowed(request, &listed)) {
    d.refusal = Refusal(request, 403, "forbidden", "origin_not_allowed",
                        "this origin may not call the server (server.cors_origins)");
    return d;
  }
  if (listed) {
    d.headers = {{"Access-Control-Allow-Origin", request.Header("origin")}, {"Vary", "Origin"}};
  }
  const RouteNeed need = Classify(request.method, request.path);
  const bool keys = KeysRequired();
  if (!keys && config_.auth.mode != "open" && !request.Header("host").empty() &&
      !LoopbackHost(request.Header("host"))) {
    // Keyless access is for this machine's own clients; a page whose DNS
    // name was rebound to 127.0.0.1 arrives with its own Host.
    d.refusal = Refusal(request, 403, "forbidden", "host_not_allowed",
                        "without API keys only localhost, 127.0.0.1 or [::1] may be used as the "
                        "host name");
    return d;
  }
  if (need.need == Need::kNothing || !keys) return d;
  if (need.need == Need::kLegacy) {
    const std::string& legacy = config_.auth.legacy_routes;
    if (legacy == "open" || (legacy == "auto" && config_.Loopback())) return d;
  }
  const std::string secret = BearerKey(request, websocket);
  if (secret.empty()) {
    d.refusal = Refusal(request, 401, "invalid_request_error", "missing_api_key",
                        "an API key is required: send Authorization: Bearer <key>");
    return d;
  }
  const std::optional<ApiKey> key = keys_.Find(secret);
  if (!key) {
    d.refusal = Refusal(request, 401, "invalid_request_error", "invalid_api_key",
                        "the API key is not valid");
    return d;
  }
  if (!key->Allows(need.scope)) {
    d.refusal = Refusal(request, 403, "forbidden", "insufficient_scope",
                        std::string("this key lacks the '") + need.scope + "' scope");
    return d;
  }
  int retry_after = 0;
  if (!rates_.Take(key->id, key->rate_per_minute, &retry_after)) {
    d.refusal = Refusal(request, 429, "rate_limit_exceeded", "rate_limited",
                        "this key's rate limit (" + std::to_string(key->rate_per_minute) +
                            " requests a minute) is spent; retry later");
    d.refusal->headers.emplace_back("Retry-After", std::to_string(std::max(1, retry_after)));
    return d;
  }
  d.key_id = key->id;
  return d;
}

HttpResponse AccessControl::Preflight(const HttpRequest& request) {
  bool listed = false;
  const bool allowed = OriginAllowed(request, &listed);
  if (!allowed || !listed) {
    // Same-origin pages never preflight; anything else is not ours to allow.
    return Refusal(request, 403, "forbidden", "origin_not_allowed",
                   "this origin may not call the server (server.cors_origins)");
  }
  HttpResponse r;
  r.status = 204;
  r.content_type = "text/plain";
  // Header names only (token characters), never other bytes of the request.
  std::string wanted = request.Header("access-control-request-headers");
  const bool tokens = std::all_of(wanted.begin(), wanted.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ',' ||
           c == ' ';
  });
  if (wanted.size() > 1024 || !tokens) wanted.clear();
  r.headers = {
      {"Access-Control-Allow-Origin", request.Header("origin")},
      {"Vary", "Origin"},
      {"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
      {"Access-Control-Allow-Headers", wanted.empty() ? "authorization, content-type" : wanted},
      {"Access-Control-Max-Age", "600"}};
  return r;
}

}  // namespace mv
