// server.tls at startup: the self-signed pair (names, mode, reuse), and a
// clear error naming the key for every broken file.
#include "server/tls-credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/error.h"
#include "server/tls-self-signed.h"
#include "support/server-process.h"

namespace mv {
namespace {

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

class TlsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = mvtest::TempDir();
    const char* old = std::getenv("XDG_DATA_HOME");
    if (old) old_xdg_ = old;
    setenv("XDG_DATA_HOME", (dir_ + "/data").c_str(), 1);
  }
  void TearDown() override {
    if (old_xdg_.empty()) {
      unsetenv("XDG_DATA_HOME");
    } else {
      setenv("XDG_DATA_HOME", old_xdg_.c_str(), 1);
    }
    std::filesystem::remove_all(dir_);
  }
  // A generated pair at dir_/<name>-cert.pem and -key.pem.
  std::pair<std::string, std::string> Pair(const std::string& name) {
    std::string cert = dir_ + "/" + name + "-cert.pem", key = dir_ + "/" + name + "-key.pem";
    WriteSelfSignedFiles(MakeSelfSigned(SelfSignedOptions{}), cert, key);
    return {cert, key};
  }

  std::string dir_;
  std::string old_xdg_;
};

TEST_F(TlsCredentialsTest, SelfSignedGoesToTheDataDirWithPrivateKeyAndLocalNames) {
  ServerConfig config;
  config.tls_self_signed = true;
  TlsCredentials c = PrepareServerTls(config);
  EXPECT_TRUE(c.generated);
  EXPECT_EQ(c.cert_path, dir_ + "/data/mirrorvox/tls/cert.pem");
  EXPECT_EQ(c.key_path, dir_ + "/data/mirrorvox/tls/key.pem");
  struct stat st {};
  ASSERT_EQ(stat(c.key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ + "/data/mirrorvox/tls").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_NE(c.alt_names.find("DNS:localhost"), std::string::npos) << c.alt_names;
  EXPECT_NE(c.alt_names.find("IP Address:127.0.0.1"), std::string::npos) << c.alt_names;
  EXPECT_NE(c.alt_names.find("IP Address:0:0:0:0:0:0:0:1"), std::string::npos) << c.alt_names;
  // 32 bytes as hex pairs.
  EXPECT_EQ(c.fingerprint_sha256.size(), 32u * 3 - 1) << c.fingerprint_sha256;
  EXPECT_NE(c.cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  // Nothing but the pair is left in the directory (no staging leftovers).
  int files = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(dir_ + "/data/mirrorvox/tls"))
    ++files;
  EXPECT_EQ(files, 2);
}

TEST_F(TlsCredentialsTest, SecondStartReusesThePair) {
  ServerConfig config;
  config.tls_self_signed = true;
  TlsCredentials first = PrepareServerTls(config);
  TlsCredentials second = PrepareServerTls(config);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(first.fingerprint_sha256, second.fingerprint_sha256);
  EXPECT_EQ(first.key_pem, second.key_pem);
}

TEST_F(TlsCredentialsTest, ExplicitPathsAreWhereThePairIsGenerated) {
  ServerConfig config;
  config.tls_self_signed = true;
  config.tls_cert = dir_ + "/sub/c.pem";
  config.tls_key = dir_ + "/sub/k.pem";
  TlsCredentials c = PrepareServerTls(config);
  EXPECT_TRUE(c.generated);
  EXPECT_TRUE(std::filesystem::exists(config.tls_cert));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/data/mirrorvox/tls"));
}

TEST_F(TlsCredentialsTest, HalfAPairIsNotSilentlyReplaced) {
  ServerConfig config;
  config.tls_self_signed = true;
  PrepareServerTls(config);
  std::filesystem::remove(config.ResolvedTlsKey());
  std::string what = ErrorOf([&] { PrepareServerTls(config); });
  EXPECT_NE(what.find("server.tls.key"), std::string::npos) << what;
  EXPECT_NE(what.find("is missing"), std::string::npos) << what;
}

TEST_F(TlsCredentialsTest, NamesTheKeyOfAMissingFile) {
  auto [cert, key] = Pair("a");
  std::string what = ErrorOf([&] { LoadTlsCredentials(dir_ + "/nope.pem", key); });
  EXPECT_NE(what.find("server.tls.cert"), std::string::npos) << what;
  EXPECT_NE(what.find("nope.pem"), std::string::npos) << what;
  what = ErrorOf([&] { LoadTlsCredentials(cert, dir_ + "/nokey.pem"); });
  EXPECT_NE(what.find("server.tls.key"), std::string::npos) << what;
}

TEST_F(TlsCredentialsTest, RejectsFilesThatAreNotPem) {
  auto [cert, key] = Pair("a");
  mvtest::WriteFile(dir_ + "/junk.pem", "this is not a certificate\n");
  std::string what = ErrorOf([&] { LoadTlsCredentials(dir_ + "/junk.pem", key); });
  EXPECT_NE(what.find("server.tls.cert"), std::string::npos) << what;
  EXPECT_NE(what.find("no PEM certificate"), std::string::npos) << what;
  // A certificate where the key should be.
  what = ErrorOf([&, cert = cert] { LoadTlsCredentials(cert, cert); });
  EXPECT_NE(what.find("server.tls.key"), std::string::npos) << what;
  what = ErrorOf([&, cert = cert] { LoadTlsCredentials(cert, dir_); });
  EXPECT_NE(what.find("is a directory"), std::string::npos) << what;
}

TEST_F(TlsCredentialsTest, RejectsAKeyOfAnotherCertificate) {
  auto [cert_a, key_a] = Pair("a");
  auto [cert_b, key_b] = Pair("b");
  std::string what = ErrorOf([&] { LoadTlsCredentials(cert_a, key_b); });
  EXPECT_NE(what.find("server.tls.key"), std::string::npos) << what;
  EXPECT_NE(what.find("does not belong"), std::string::npos) << what;
  EXPECT_NO_THROW(LoadTlsCredentials(cert_b, key_b));
}

TEST_F(TlsCredentialsTest, ExistingFilesAreNeverOverwritten) {
  auto [cert, key] = Pair("a");
  std::string before = mvtest::ReadFile(key);
  EXPECT_THROW(WriteSelfSignedFiles(MakeSelfSigned(SelfSignedOptions{}), cert, key), Error);
  EXPECT_EQ(mvtest::ReadFile(key), before);
}

TEST(TlsSelfSignedTest, LocalNamesIncludeLoopbackAndNoLinkLocal) {
  SelfSignedOptions o = LocalSubjectNames();
  EXPECT_EQ(o.dns_names.front(), "localhost");
  EXPECT_NE(std::find(o.ip_addresses.begin(), o.ip_addresses.end(), "127.0.0.1"),
            o.ip_addresses.end());
  EXPECT_NE(std::find(o.ip_addresses.begin(), o.ip_addresses.end(), "::1"), o.ip_addresses.end());
  for (const auto& ip : o.ip_addresses) EXPECT_FALSE(ip.starts_with("fe80")) << ip;
}

TEST(TlsSelfSignedTest, CertificateCarriesEveryGivenName) {
  SelfSignedOptions o;
  o.dns_names = {"localhost", "phone-host.local"};
  o.ip_addresses = {"127.0.0.1", "192.168.1.20", "fd00::5"};
  std::string dir = mvtest::TempDir();
  WriteSelfSignedFiles(MakeSelfSigned(o), dir + "/c.pem", dir + "/k.pem");
  TlsCredentials c = LoadTlsCredentials(dir + "/c.pem", dir + "/k.pem");
  for (const char* want :
       {"DNS:phone-host.local", "IP Address:192.168.1.20", "IP Address:FD00:0:0:0:0:0:0:5"})
    EXPECT_NE(c.alt_names.find(want), std::string::npos) << want << " in " << c.alt_names;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mv
