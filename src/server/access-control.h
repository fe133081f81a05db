// Who may call what. Decided per request before any route runs:
//  - Origin: a browser page may call the API only from the server's own
//    origin or one listed in server.cors_origins (the WebSocket upgrade
//    too: no cross-site WebSocket hijacking); non-browser clients send no
//    Origin and are judged by their key alone.
//  - Keys: `Authorization: Bearer <key>`, or for browsers' WebSockets the
//    subprotocol `openai-insecure-api-key.<key>`; each key has scopes
//    (chat, voices:read, voices:write, admin) and an optional rate.
//  - Without keys (server.auth.mode auto, loopback listener) local clients
//    are let in, but only under a loopback Host name, so a foreign page
//    that rebinds its DNS name to 127.0.0.1 is still refused.
// /healthz and the static web page need no key. No Beast here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/http-types.h"
#include "server/key-store.h"
#include "server/rate-limiter.h"
#include "server/server-config.h"

namespace mv {

struct AccessDecision {
  std::optional<HttpResponse> refusal;  // set: answer this instead of routing
  // Headers for every response to the request (CORS for a listed origin).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string key_id;  // the key that was accepted, "" for none
};

class AccessControl {
 public:
  explicit AccessControl(const ServerConfig& config);

  // Refuses (mv::Error kInvalidInput "auth_required", one line saying what
  // to do) a configuration that would serve anyone beyond loopback.
  void CheckStartup();
  // "open", "keys" or "local" (auto without keys on loopback), for the log.
  std::string Describe();

  AccessDecision Check(const HttpRequest& request, bool websocket);
  // The answer to a CORS preflight (OPTIONS).
  HttpResponse Preflight(const HttpRequest& request);

  KeyStore& keys() { return keys_; }

 private:
  bool KeysRequired();
  bool OriginAllowed(const HttpRequest& request, bool* listed) const;

  ServerConfig config_;
  KeyStore keys_;
  RateLimiter rates_;
};

}  // namespace mv
