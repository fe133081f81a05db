#include "server/tls-credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "common/error.h"
#include "server/openssl-ptr.h"
#include "server/tls-self-signed.h"

namespace mv {
namespace {

using namespace openssl;

[[noreturn]] void Bad(const std::string& message) {
  ERR_clear_error();
  throw Error(ErrorKind::kInvalidInput, "bad_tls_file", message);
}

std::string ReadPem(const std::string& key, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) Bad(key + ": '" + path + "' is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) Bad(key + ": cannot read '" + path + "': " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) Bad(key + ": cannot read '" + path + "'");
  return ss.str();
}

BioPtr MemBio(const std::string& data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw Error(ErrorKind::kInternal, "tls_failed", "out of memory");
  return bio;
}

// Never prompts on a terminal for a passphrase: an encrypted key just fails.
int NoPassphrase(char*, int, int, void*) { return -1; }

std::string OneLine(const std::function<int(BIO*)>& print) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || print(bio.get()) <= 0) return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string AltNames(X509* cert) {
  int index = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);
  if (index < 0) return "";
  X509_EXTENSION* ext = X509_get_ext(cert, index);
  return OneLine([&](BIO* b) { return X509V3_EXT_print(b, ext, 0, 0); });
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

TlsCredentials LoadTlsCredentials(const std::string& cert_path, const std::string& key_path) {
  TlsCredentials c;
  c.cert_path = cert_path;
  c.key_path = key_path;
  c.cert_pem = ReadPem("server.tls.cert", cert_path);
  c.key_pem = ReadPem("server.tls.key", key_path);

  auto cert_bio = MemBio(c.cert_pem);
  CertPtr leaf(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr));
  if (!leaf)
    Bad("server.tls.cert: '" + cert_path +
        "' holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block)");
  for (;;) {  // the rest of a chain must parse too, or clients would see half of it
    CertPtr next(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr));
    if (!next) break;
  }
  ERR_clear_error();  // the loop ends on "no start line"

  if (c.key_pem.find("ENCRYPTED") != std::string::npos)
    Bad("server.tls.key: '" + key_path +
        "' is an encrypted private key; give an unencrypted one (readable only by the server)");
  auto key_bio = MemBio(c.key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key)
    Bad("server.tls.key: '" + key_path +
        "' holds no PEM private key (a '-----BEGIN PRIVATE KEY-----' block)");
  if (X509_check_private_key(leaf.get(), key.get()) != 1)
    Bad("server.tls.key: '" + key_path + "' does not belong to the certificate in " +
        "server.tls.cert '" + cert_path + "'");

  c.fingerprint_sha256 = Fingerprint(leaf.get());
  c.subject = OneLine([&](BIO* b) {
    return X509_NAME_print_ex(b, X509_get_subject_name(leaf.get()), 0, XN_FLAG_ONELINE);
  });
  c.alt_names = AltNames(leaf.get());
  c.not_after = OneLine([&](BIO* b) { return ASN1_TIME_print(b, X509_get0_notAfter(leaf.get())); });
  if (X509_cmp_current_time(X509_get0_notAfter(leaf.get())) < 0)
    spdlog::warn("TLS: the certificate {} expired on {}: clients will refuse it", cert_path,
                 c.not_after);
  ERR_clear_error();
  return c;
}

TlsCredentials PrepareServerTls(const ServerConfig& config) {
  const std::string cert_path = config.ResolvedTlsCert();
  const std::string key_path = config.ResolvedTlsKey();
  bool generated = false;
  if (config.tls_self_signed) {
    bool have_cert = Exists(cert_path), have_key = Exists(key_path);
    if (have_cert != have_key) {
      // Regenerating would orphan whatever clients already trust.
      const std::string& present = have_cert ? cert_path : key_path;
      const std::string& missing = have_cert ? key_path : cert_path;
      Bad(std::string("server.tls.") + (have_cert ? "key" : "cert") + ": '" + missing +
          "' is missing while '" + present + "' exists; restore it, or delete '" + present +
          "' to have a new self-signed pair generated");
    }
    if (!have_cert) {
      SelfSignedOptions names = LocalSubjectNames();
      WriteSelfSignedFiles(MakeSelfSigned(names), cert_path, key_path);
      generated = true;
    }
  }
  TlsCredentials c = LoadTlsCredentials(cert_path, key_path);
  c.generated = generated;
  if (generated) {
    spdlog::info("TLS: generated a self-signed certificate {} (key {}) for {}", cert_path, key_path,
                 c.alt_names);
    spdlog::info(
        "TLS: clients must trust it once (browsers: accept the warning; curl --cacert; "
        "node NODE_EXTRA_CA_CERTS)");
  }
  spdlog::info("TLS certificate {} ({}, valid until {}) SHA-256 fingerprint {}", cert_path,
               c.subject, c.not_after, c.fingerprint_sha256);
  return c;
}

}  // namespace mv
