// `server.tls` end to end: the real binary generates a self-signed pair on
// first start (in $XDG_DATA_HOME/mirrorvox/tls), serves HTTPS and WSS with it
// (verified as a CA for 127.0.0.1) and plain HTTP on the same port, reuses
// the pair on the next start, and refuses to start on a broken file.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "net/http-client.h"
#include "net/websocket-client.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-net.h"

namespace {

using json = nlohmann::json;

std::string Fingerprint(const std::string& log) {
  static const std::regex kPrint(R"(SHA-256 fingerprint ([0-9A-F:]{95}))");
  std::smatch m;
  return std::regex_search(log, m, kPrint) ? m[1].str() : "";
}

class TlsServeTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = mvtest::TempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::map<std::string, std::string> Env() const {
    return {{"XDG_DATA_HOME", dir_ + "/data"}, {"MIRRORVOX_SERVER__TLS__SELF_SIGNED", "true"}};
  }
  std::string CertFile() const { return dir_ + "/data/mirrorvox/tls/cert.pem"; }

  mv::ClientResponse Https(int port, const std::string& path) {
    mv::ClientRequest r;
    r.url = "https://127.0.0.1:" + std::to_string(port) + path;
    r.ca_file = CertFile();  // verified, host name 127.0.0.1 included
    return client_.Fetch(r);
  }

  std::string dir_;
  mv::HttpClient client_{1};
};

TEST_F(TlsServeTest, SelfSignedHttpsWssAndPlainHttpThenReusedOnRestart) {
  std::string first_print;
  std::string cert_pem;
  {
    mvtest::ServerProcess server({}, Env());
    ASSERT_TRUE(server.ok()) << server.Log();  // /healthz answered over plain HTTP
    std::string log = server.Log();
    EXPECT_NE(log.find("listening on https://127.0.0.1:" + std::to_string(server.port())),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("generated a self-signed certificate"), std::string::npos) << log;
    first_print = Fingerprint(log);
    EXPECT_FALSE(first_print.empty()) << log;
    cert_pem = mvtest::ReadFile(CertFile());
    ASSERT_NE(cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);

    auto health = Https(server.port(), "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(mvtest::HttpGet(server.port(), "/healthz").status, 200);

    // The realtime WebSocket over wss://: the session starts with session.created.
    mv::WebSocketOptions wo;
    wo.ca_file = CertFile();
    auto ws = mv::WebSocketClient::Connect(
        mv::TestNet(), "wss://127.0.0.1:" + std::to_string(server.port()) + "/v1/realtime", wo);
    auto first = ws->Receive(10000);
    ASSERT_TRUE(first);
    EXPECT_EQ(json::parse(first->data).value("type", ""), "session.created") << first->data;
    ws->Close();
    EXPECT_EQ(server.Stop(), 0) << server.Log();
  }
  mvtest::ServerProcess again({}, Env());
  ASSERT_TRUE(again.ok()) << again.Log();
  std::string log = again.Log();
  EXPECT_EQ(log.find("generated a self-signed certificate"), std::string::npos) << log;
  EXPECT_EQ(Fingerprint(log), first_print) << log;
  EXPECT_EQ(mvtest::ReadFile(CertFile()), cert_pem);
  EXPECT_EQ(Https(again.port(), "/healthz").status, 200);
}

TEST_F(TlsServeTest, BrokenCertificateFileStopsTheStartWithItsKey) {
  mvtest::WriteFile(dir_ + "/cert.pem", "not a certificate\n");
  mvtest::WriteFile(dir_ + "/key.pem", "not a key\n");
  mvtest::WriteFile(dir_ + "/c.yaml", "server:\n  tls:\n    cert: " + dir_ +
                                          "/cert.pem\n    key: " + dir_ + "/key.pem\n");
  auto r = mvtest::RunCommand(
      {MV_BINARY, "serve", "--host", "127.0.0.1", "--port", "0", "-c", dir_ + "/c.yaml"}, {}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE((r.out + r.err).find("server.tls.cert"), std::string::npos) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("listening on"), std::string::npos) << r.out << r.err;
}

}  // namespace
