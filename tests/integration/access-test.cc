// Who may call what, against the real binary: every route x every auth
// state (no key, wrong key, a chat key, an admin key), CORS from a foreign
// origin, the WebSocket upgrade's Origin and key subprotocol, `mirrorvox
// keys` add/list/revoke seen by a running server, rate limits, and the
// refusal to serve the network without keys.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/server-process.h"
#include "support/test-http.h"

namespace {

using nlohmann::json;

std::string Keys(const std::vector<std::string>& args, const std::string& file,
                 int* exit_code = nullptr, std::string* err = nullptr) {
  std::vector<std::string> argv = {MV_BINARY, "keys"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = mvtest::RunCommand(argv, {{"MIRRORVOX_SERVER__AUTH__KEYS_FILE", file}});
  if (exit_code) *exit_code = r.exit_code;
  if (err) *err = r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    file_ = new std::string(*dir_ + "/keys.json");
    int rc = -1;
    chat_ = new std::string(Keys({"add", "phone", "--scope", "chat"}, *file_, &rc));
    ASSERT_EQ(rc, 0);
    admin_ = new std::string(Keys({"add", "owner", "--scope", "admin"}, *file_, &rc));
    ASSERT_EQ(rc, 0);
    slow_ = new std::string(Keys({"add", "slow", "--rate", "2"}, *file_, &rc));
    ASSERT_EQ(rc, 0);
    server_ =
        new mvtest::ServerProcess({}, {{"MIRRORVOX_SERVER__AUTH__KEYS_FILE", *file_},
                                       {"MIRRORVOX_SERVER__CORS_ORIGINS", "https://app.example"}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete chat_;
    delete admin_;
    delete slow_;
    delete file_;
    delete dir_;
  }
  static int Port() { return server_->port(); }
  static mvtest::HttpResult Call(const std::string& method, const std::string& path,
                                 const std::string& key,
                                 std::map<std::string, std::string> headers = {}) {
    if (!key.empty()) headers["Authorization"] = "Bearer " + key;
    std::string body = method == "POST" ? "{}" : "";
    return mvtest::HttpRequest(method, Port(), path, body, headers);
  }
  static std::string Upgrade(const std::string& extra) {
    return mvtest::RawExchange(
        Port(),
        "GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(Port()) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            extra + "\r\n",
        3);
  }

  static std::string *dir_, *file_, *chat_, *admin_, *slow_;
  static mvtest::ServerProcess* server_;
};
std::string *AccessTest::dir_, *AccessTest::file_, *AccessTest::chat_, *AccessTest::admin_,
    *AccessTest::slow_;
mvtest::ServerProcess* AccessTest::server_ = nullptr;

TEST_F(AccessTest, EveryRouteInEveryAuthState) {
  struct Route {
    std::string method, path, scope;  // scope "" = open, "legacy" = open on loopback
  };
  const std::vector<Route> routes = {
      {"GET", "/healthz", ""},
      {"GET", "/", ""},
      {"GET", "/web/app.js", ""},
      {"POST", "/api/asr", "legacy"},
      {"POST", "/api/chat", "legacy"},
      {"POST", "/process_audio", "legacy"},
      {"GET", "/v1/models", "chat"},
      {"GET", "/v1/audio/voices", "chat"},
      {"POST", "/v1/audio/speech", "chat"},
      {"POST", "/v1/audio/transcriptions", "chat"},
      {"GET", "/api/voices", "voices:read"},
      {"GET", "/api/voices/x/audio", "voices:read"},
      {"POST", "/api/voices", "voices:write"},
      {"DELETE", "/api/voices/x", "voices:write"},
      {"GET", "/metrics", "admin"},
      {"GET", "/no/such/route", "admin"},
  };
  for (const Route& r : routes) {
    const std::string what = r.method + " " + r.path;
    const int none = Call(r.method, r.path, "").status;
    const int wrong = Call(r.method, r.path, "mvk-0000").status;
    const int chat = Call(r.method, r.path, *chat_).status;
    const int admin = Call(r.method, r.path, *admin_).status;
    if (r.scope.empty() || r.scope == "legacy") {
      EXPECT_NE(none, 401) << what;
      EXPECT_NE(none, 403) << what;
      continue;
    }
    EXPECT_EQ(none, 401) << what;
    EXPECT_EQ(wrong, 401) << what;
    if (r.scope == "chat") {
      EXPECT_NE(chat, 401) << what;
      EXPECT_NE(chat, 403) << what;
    } else {
      EXPECT_EQ(chat, 403) << what;
    }
    EXPECT_NE(admin, 401) << what;
    EXPECT_NE(admin, 403) << what;
  }
  auto missing = Call("GET", "/v1/models", "");
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "missing_api_key");
  EXPECT_NE(missing.headers["www-authenticate"].find("Bearer"), std::string::npos);
}

TEST_F(AccessTest, NoWildcardCorsAndForeignOriginsAreRefused) {
  for (const char* path : {"/healthz", "/v1/models", "/api/voices"}) {
    auto r = Call("GET", path, *admin_);
    EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u) << path;
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << path;
  }
  // A page on another site: its preflight and its simple requests.
  auto pre =
      Call("OPTIONS", "/api/voices/x", "",
           {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(pre.status, 403);
  EXPECT_EQ(pre.headers.count("access-control-allow-origin"), 0u);
  auto simple = Call("GET", "/api/voices", *admin_, {{"Origin", "https://evil.example"}});
  EXPECT_EQ(simple.status, 403);
  EXPECT_EQ(json::parse(simple.body)["error"]["code"], "origin_not_allowed");
  // The listed origin gets CORS for itself only.
  auto ok = Call(
      "OPTIONS", "/v1/models", "",
      {{"Origin", "https://app.example"}, {"Access-Control-Request-Headers", "authorization"}});
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.headers["access-control-allow-origin"], "https://app.example");
  auto listed = Call("GET", "/v1/models", *chat_, {{"Origin", "https://app.example"}});
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.headers["access-control-allow-origin"], "https://app.example");
  // The server's own page is same-origin.
  auto own =
      Call("GET", "/v1/models", *chat_, {{"Origin", "http://127.0.0.1:" + std::to_string(Port())}});
  EXPECT_EQ(own.status, 200);
}

TEST_F(AccessTest, WebSocketUpgradeChecksOriginAndKey) {
  EXPECT_TRUE(Upgrade("").starts_with("HTTP/1.1 401"));
  EXPECT_TRUE(Upgrade("Authorization: Bearer " + *chat_ + "\r\n").starts_with("HTTP/1.1 101"));
  // Cross-site WebSocket hijacking: a foreign page's upgrade, even with a key.
  EXPECT_TRUE(Upgrade("Origin: https://evil.example\r\nSec-WebSocket-Protocol: realtime, "
                      "openai-insecure-api-key." +
                      *chat_ + "\r\n")
                  .starts_with("HTTP/1.1 403"));
  // A browser on the server's own page: the key rides in a subprotocol and
  // only "realtime" comes back.
  const std::string page = Upgrade("Origin: http://127.0.0.1:" + std::to_string(Port()) +
                                   "\r\nSec-WebSocket-Protocol: realtime, "
                                   "openai-insecure-api-key." +
                                   *chat_ + "\r\n");
  EXPECT_TRUE(page.starts_with("HTTP/1.1 101")) << page.substr(0, 200);
  EXPECT_NE(page.find("Sec-WebSocket-Protocol: realtime\r\n"), std::string::npos);
  EXPECT_EQ(page.find(*chat_), std::string::npos);
  EXPECT_TRUE(Upgrade("Sec-WebSocket-Protocol: realtime, openai-insecure-api-key.mvk-bad\r\n")
                  .starts_with("HTTP/1.1 401"));
}

TEST_F(AccessTest, RateLimitedKey) {
  EXPECT_EQ(Call("GET", "/v1/models", *slow_).status, 200);
  EXPECT_EQ(Call("GET", "/v1/models", *slow_).status, 200);
  auto r = Call("GET", "/v1/models", *slow_);
  EXPECT_EQ(r.status, 429);
  EXPECT_GE(std::atoi(r.headers["retry-after"].c_str()), 1);
}

TEST_F(AccessTest, KeysListAndRevokeReachTheRunningServer) {
  int rc = -1;
  std::string err;
  const std::string temp = Keys({"add", "temporary"}, *file_, &rc, &err);
  ASSERT_EQ(rc, 0) << err;
  const std::string list = Keys({"list"}, *file_, &rc);
  EXPECT_NE(list.find("temporary"), std::string::npos) << list;
  EXPECT_NE(list.find("phone"), std::string::npos) << list;
  EXPECT_EQ(list.find(temp), std::string::npos) << "a secret was listed";
  EXPECT_EQ(mvtest::ReadFile(*file_).find(temp), std::string::npos) << "a secret was stored";
  // The running server picks the new key up, then its revocation.
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = Call("GET", "/v1/models", temp).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  Keys({"revoke", "temporary"}, *file_, &rc);
  EXPECT_EQ(rc, 0);
  for (int i = 0; i < 100 && status != 401; ++i) {
    status = Call("GET", "/v1/models", temp).status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401);
  Keys({"revoke", "no-such-key"}, *file_, &rc);
  EXPECT_NE(rc, 0);
}

TEST(AccessStartupTest, RefusesToServeTheNetworkWithoutKeys) {
  const std::string dir = mvtest::TempDir();
  auto r = mvtest::RunCommand({MV_BINARY, "serve", "--host", "0.0.0.0", "--port", "0"},
                              {{"MIRRORVOX_SERVER__AUTH__KEYS_FILE", dir + "/keys.json"}}, 60);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("server.auth.mode: open"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;
}

TEST(AccessStartupTest, KeylessLoopbackRefusesARebindingHostName) {
  mvtest::ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.Log();
  const std::string answer = mvtest::RawExchange(
      server.port(), "GET /api/voices HTTP/1.1\r\nHost: evil.example:8001\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 403")) << answer.substr(0, 200);
  EXPECT_NE(answer.find("host_not_allowed"), std::string::npos);
  EXPECT_EQ(mvtest::HttpGet(server.port(), "/api/voices").status, 200);
}

}  // namespace
