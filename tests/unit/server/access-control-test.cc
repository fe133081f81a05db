// AccessControl without sockets: every route class x every auth state, the
// origin rules, the loopback Host rule, scopes, rate limits, revocation,
// and the start-up refusal.
#include "server/access-control.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/error.h"
#include "support/server-process.h"

namespace {

using mv::AccessControl;
using mv::HttpRequest;
using mv::ServerConfig;

HttpRequest Req(const std::string& method, const std::string& path,
                std::map<std::string, std::string> headers = {}) {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.target = path;
  headers.try_emplace("host", "127.0.0.1:8001");
  r.headers = std::move(headers);
  return r;
}

ServerConfig Config(const std::string& host = "127.0.0.1") {
  ServerConfig c;
  c.host = host;
  c.auth.keys_file = mvtest::TempDir() + "/keys.json";
  return c;
}

int Status(AccessControl& a, const HttpRequest& r, bool ws = false) {
  auto d = a.Check(r, ws);
  return d.refusal ? d.refusal->status : 0;
}

std::string Code(AccessControl& a, const HttpRequest& r, bool ws = false) {
  auto d = a.Check(r, ws);
  if (!d.refusal) return "";
  return nlohmann::json::parse(d.refusal->body)["error"]["code"];
}

TEST(AccessControlTest, KeylessLoopbackLetsLocalClientsIn) {
  AccessControl a(Config());
  EXPECT_NO_THROW(a.CheckStartup());
  for (const char* path : {"/healthz", "/api/chat", "/v1/audio/speech", "/api/voices", "/metrics"})
    EXPECT_EQ(Status(a, Req("GET", path)), 0) << path;
  EXPECT_EQ(Status(a, Req("GET", "/v1/models", {{"host", "localhost:8001"}})), 0);
  EXPECT_EQ(Status(a, Req("GET", "/v1/models", {{"host", "[::1]:8001"}})), 0);
}

TEST(AccessControlTest, KeylessRefusesAForeignHostName) {
  // DNS rebinding: evil.example resolved to 127.0.0.1 arrives with its own Host.
  AccessControl a(Config());
  auto r = Req("GET", "/api/voices", {{"host", "evil.example:8001"}});
  EXPECT_EQ(Status(a, r), 403);
  EXPECT_EQ(Code(a, r), "host_not_allowed");
  EXPECT_EQ(Code(a, Req("GET", "/api/voices", {{"host", "127.0.0.1.evil.example"}})),
            "host_not_allowed");
}

TEST(AccessControlTest, ForeignOriginIsRefusedEverywhere) {
  AccessControl a(Config());
  for (const char* path : {"/healthz", "/api/voices", "/v1/realtime", "/api/chat"}) {
    auto r = Req("GET", path, {{"origin", "https://evil.example"}});
    EXPECT_EQ(Status(a, r, std::string(path) == "/v1/realtime"), 403) << path;
    EXPECT_EQ(Code(a, r), "origin_not_allowed") << path;
  }
  // The server's own page is same-origin.
  EXPECT_EQ(Status(a, Req("POST", "/api/voices", {{"origin", "http://127.0.0.1:8001"}})), 0);
  EXPECT_EQ(Status(a, Req("GET", "/v1/realtime", {{"origin", "https://127.0.0.1:8001"}}), true), 0);
  // A sandboxed page or file:// says "null": not an origin we know.
  EXPECT_EQ(Status(a, Req("GET", "/api/voices", {{"origin", "null"}})), 403);
}

TEST(AccessControlTest, ListedOriginGetsCorsHeadersAndPreflight) {
  ServerConfig c = Config();
  c.cors_origins = {"https://app.example"};
  AccessControl a(c);
  auto d = a.Check(Req("GET", "/v1/models", {{"origin", "https://app.example"}}), false);
  ASSERT_FALSE(d.refusal);
  ASSERT_EQ(d.headers.size(), 2u);
  EXPECT_EQ(d.headers[0].second, "https://app.example");
  auto pre = a.Preflight(Req("OPTIONS", "/api/voices/x",
                             {{"origin", "https://app.example"},
                              {"access-control-request-headers", "authorization, content-type"}}));
  EXPECT_EQ(pre.status, 204);
  bool allow_origin = false;
  for (const auto& [k, v] : pre.headers)
    if (k == "Access-Control-Allow-Origin") allow_origin = v == "https://app.example";
  EXPECT_TRUE(allow_origin);
  // A foreign preflight: refused, and without any CORS header.
  auto bad = a.Preflight(Req("OPTIONS", "/api/voices/x", {{"origin", "https://evil.example"}}));
  EXPECT_EQ(bad.status, 403);
  for (const auto& [k, v] : bad.headers) EXPECT_NE(k, "Access-Control-Allow-Origin");
  // Request-header names with other bytes are never echoed.
  auto odd = a.Preflight(
      Req("OPTIONS", "/v1/models",
          {{"origin", "https://app.example"}, {"access-control-request-headers", "x<script>"}}));
  for (const auto& [k, v] : odd.headers) EXPECT_EQ(v.find('<'), std::string::npos);
}

TEST(AccessControlTest, KeysRequiredOnceOneExistsWithScopes) {
  ServerConfig c = Config();
  AccessControl a(c);
  mv::KeyStore store(c.auth.keys_file);
  const std::string chat = store.Add("phone", {"chat"}, 0);
  const std::string reader = store.Add("viewer", {"voices:read"}, 0);
  const std::string admin = store.Add("root", {"admin"}, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the store re-reads each second
  auto with = [](const std::string& key, HttpRequest r) {
    r.headers["authorization"] = "Bearer " + key;
    return r;
  };
  EXPECT_EQ(Status(a, Req("GET", "/healthz")), 0);
  EXPECT_EQ(Status(a, Req("GET", "/")), 0);
  EXPECT_EQ(Code(a, Req("GET", "/v1/models")), "missing_api_key");
  EXPECT_EQ(Code(a, with("mvk-wrong", Req("GET", "/v1/models"))), "invalid_api_key");
  EXPECT_EQ(Status(a, with(chat, Req("GET", "/v1/models"))), 0);
  EXPECT_EQ(Status(a, with(chat, Req("POST", "/v1/audio/speech"))), 0);
  EXPECT_EQ(Code(a, with(chat, Req("GET", "/api/voices"))), "insufficient_scope");
  EXPECT_EQ(Status(a, with(reader, Req("GET", "/api/voices/alice/audio"))), 0);
  EXPECT_EQ(Code(a, with(reader, Req("DELETE", "/api/voices/alice"))), "insufficient_scope");
  EXPECT_EQ(Code(a, with(reader, Req("POST", "/api/voices"))), "insufficient_scope");
  EXPECT_EQ(Status(a, with(admin, Req("DELETE", "/api/voices/alice"))), 0);
  EXPECT_EQ(Code(a, with(chat, Req("GET", "/metrics"))), "insufficient_scope");
  EXPECT_EQ(Status(a, with(admin, Req("GET", "/metrics"))), 0);
  // Legacy routes stay open on a loopback listener (legacy_routes auto).
  EXPECT_EQ(Status(a, Req("POST", "/api/chat")), 0);
  EXPECT_EQ(Status(a, Req("POST", "/process_audio")), 0);
  // A browser's WebSocket carries the key as a subprotocol.
  auto ws = Req("GET", "/v1/realtime",
                {{"sec-websocket-protocol", "realtime, openai-insecure-api-key." + chat}});
  EXPECT_EQ(Status(a, ws, true), 0);
  EXPECT_EQ(Code(a, Req("GET", "/v1/realtime"), true), "missing_api_key");
  // A foreign Host is fine once keys decide.
  EXPECT_EQ(Status(a, with(chat, Req("GET", "/v1/models", {{"host", "box.lan:8001"}}))), 0);
}

TEST(AccessControlTest, LegacyRoutesNeedAKeyWhenSetSo) {
  ServerConfig c = Config();
  c.auth.legacy_routes = "key";
  AccessControl a(c);
  mv::KeyStore store(c.auth.keys_file);
  const std::string chat = store.Add("pi", {"chat"}, 0);
  EXPECT_EQ(Code(a, Req("POST", "/api/asr")), "missing_api_key");
  auto r = Req("POST", "/api/asr", {{"authorization", "Bearer " + chat}});
  EXPECT_EQ(Status(a, r), 0);
}

TEST(AccessControlTest, BeyondLoopbackLegacyRoutesNeedAKeyByDefault) {
  ServerConfig c = Config("192.0.2.10");
  mv::KeyStore store(c.auth.keys_file);
  store.Add("pi", {"chat"}, 0);
  AccessControl a(c);
  EXPECT_NO_THROW(a.CheckStartup());
  EXPECT_EQ(Code(a, Req("POST", "/api/chat", {{"host", "192.0.2.10:8001"}})), "missing_api_key");
}

TEST(AccessControlTest, RateLimitPerKey) {
  ServerConfig c = Config();
  mv::KeyStore store(c.auth.keys_file);
  const std::string key = store.Add("slow", {"chat"}, 3);
  AccessControl a(c);
  auto r = Req("GET", "/v1/models", {{"authorization", "Bearer " + key}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Status(a, r), 0) << i;
  auto d = a.Check(r, false);
  ASSERT_TRUE(d.refusal);
  EXPECT_EQ(d.refusal->status, 429);
  bool retry = false;
  for (const auto& [k, v] : d.refusal->headers) retry |= k == "Retry-After" && std::stoi(v) >= 1;
  EXPECT_TRUE(retry);
}

TEST(AccessControlTest, RevokedKeyStopsWorkingWithoutARestart) {
  ServerConfig c = Config();
  mv::KeyStore store(c.auth.keys_file);
  const std::string key = store.Add("old", {"chat"}, 0);
  store.Add("other", {"chat"}, 0);
  AccessControl a(c);
  auto r = Req("GET", "/v1/models", {{"authorization", "Bearer " + key}});
  EXPECT_EQ(Status(a, r), 0);
  mv::KeyStore cli(c.auth.keys_file);  // `mirrorvox keys revoke old`, another process
  ASSERT_TRUE(cli.Revoke("old"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Code(a, r), "invalid_api_key");
}

TEST(AccessControlTest, StartupRefusesAnOpenNetworkListener) {
  ServerConfig c = Config("0.0.0.0");
  AccessControl a(c);
  try {
    a.CheckStartup();
    FAIL() << "started without keys on 0.0.0.0";
  } catch (const mv::Error& e) {
    EXPECT_EQ(e.code(), "auth_required");
    EXPECT_NE(std::string(e.what()).find("server.auth.mode: open"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);  // one line
  }
  c.auth.mode = "open";
  AccessControl open(c);
  EXPECT_NO_THROW(open.CheckStartup());
  EXPECT_EQ(Status(open, Req("DELETE", "/api/voices/x", {{"host", "box.lan"}})), 0);
  ServerConfig k = Config();
  k.auth.mode = "keys";
  AccessControl keys(k);
  EXPECT_THROW(keys.CheckStartup(), mv::Error);
}

TEST(KeyStoreTest, KeepsOnlyHashesAndChecksScopes) {
  const std::string path = mvtest::TempDir() + "/k/keys.json";
  mv::KeyStore store(path);
  mv::ApiKey added;
  const std::string secret = store.Add("laptop", {"chat", "voices:read"}, 10, &added);
  EXPECT_TRUE(secret.starts_with("mvk-"));
  EXPECT_EQ(mvtest::ReadFile(path).find(secret), std::string::npos);
  EXPECT_NE(mvtest::ReadFile(path).find(added.sha256), std::string::npos);
  EXPECT_TRUE(store.Find(secret).has_value());
  EXPECT_FALSE(store.Find(secret + "x").has_value());
  EXPECT_THROW(store.Add("laptop", {"chat"}, 0), mv::Error);  // duplicate name
  EXPECT_THROW(store.Add("x", {"root"}, 0), mv::Error);       // unknown scope
  EXPECT_EQ(store.List().size(), 1u);
  EXPECT_TRUE(store.Revoke(added.id));
  EXPECT_FALSE(store.Find(secret).has_value());
}

TEST(KeyStoreTest, ADamagedFileAcceptsNoKey) {
  const std::string path = mvtest::TempDir() + "/keys.json";
  mvtest::WriteFile(path, "{not json");
  mv::KeyStore store(path);
  EXPECT_FALSE(store.Empty());  // keys stay required
  EXPECT_FALSE(store.Find("mvk-anything").has_value());
}

}  // namespace
