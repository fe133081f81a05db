// TLS: certificate and host name verification, SNI, the opt-out for
// self-signed local servers, and a clear error for https:// to a plain server.
#include <gtest/gtest.h>

#include "net/http-client.h"
#include "server/http-server.h"
#include "tls-test-server.h"

namespace mv {
namespace {

class HttpsClientTest : public ::testing::Test {
 protected:
  ClientRequest Get(const std::string& host) {
    ClientRequest r;
    r.url = "https://" + host + ":" + std::to_string(tls_.port()) + "/x";
    r.connect_timeout_ms = 5000;
    return r;
  }
  Error FetchError(const ClientRequest& r) {
    try {
      client_.Fetch(r);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no error for " << r.url;
    return Error(ErrorKind::kInternal, "none", "none");
  }

  mvtest::TlsTestServer tls_;
  HttpClient client_{1};
};

TEST_F(HttpsClientTest, UntrustedSelfSignedCertificateIsRefused) {
  Error e = FetchError(Get("localhost"));
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(e.code(), "tls_failed");
  EXPECT_NE(std::string(e.what()).find("certificate verification failed"), std::string::npos)
      << e.what();
}

TEST_F(HttpsClientTest, SkippingVerificationAcceptsSelfSigned) {
  ClientRequest r = Get("127.0.0.1");
  r.verify_tls = false;
  ClientResponse res = client_.Fetch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello over tls");
}

TEST_F(HttpsClientTest, TrustedCertificateWithMatchingNameAndSni) {
  ClientRequest r = Get("localhost");
  r.ca_file = tls_.cert_file();
  ClientResponse res = client_.Fetch(r);
  EXPECT_EQ(res.body, "hello over tls");
  ASSERT_FALSE(tls_.sni_names().empty());
  EXPECT_EQ(tls_.sni_names().back(), "localhost");
}

TEST_F(HttpsClientTest, TrustedCertificateForAnotherNameIsRefused) {
  ClientRequest r = Get("127.0.0.1");  // the certificate names only localhost
  r.ca_file = tls_.cert_file();
  Error e = FetchError(r);
  EXPECT_EQ(e.code(), "tls_failed");
  EXPECT_NE(std::string(e.what()).find("mismatch"), std::string::npos) << e.what();
}

TEST_F(HttpsClientTest, MissingCaFileIsAConfigError) {
  ClientRequest r = Get("localhost");
  r.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(FetchError(r).code(), "bad_ca_file");
}

TEST(HttpsToPlainServerTest, SaysItIsNotTls) {
  HttpServer plain(HttpServerOptions{});
  plain.Route("GET", "/x", [](auto, auto res) { res->Send(HttpResponse::Json(200, "{}")); });
  plain.Start();
  HttpClient client(1);
  ClientRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/x";
  r.verify_tls = false;
  try {
    client.Fetch(r);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "tls_failed");
    EXPECT_NE(std::string(e.what()).find("plain http"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mv
