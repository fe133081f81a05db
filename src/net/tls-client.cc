#include "net/tls-client.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "common/error.h"

namespace mv {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> ClientTlsContext(const std::string& ca_file) {
  static std::mutex mutex;                                               // guards contexts
  static std::map<std::string, std::shared_ptr<ssl::context>> contexts;  // by ca_file
  std::lock_guard lock(mutex);
  auto& ctx = contexts[ca_file];
  if (!ctx) {
    auto c = std::make_shared<ssl::context>(ssl::context::tls_client);
    c->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3);
    boost::system::error_code ec;
    c->set_default_verify_paths(ec);
    if (ec) spdlog::warn("TLS: cannot load the system CA store: {}", ec.message());
    if (!ca_file.empty()) {
      c->load_verify_file(ca_file, ec);
      if (ec)
        throw Error(ErrorKind::kInvalidInput, "bad_ca_file",
                    "cannot load CA file '" + ca_file + "': " + ec.message());
    }
    ctx = std::move(c);
  }
  return ctx;
}

void PrepareClientTls(SSL* handle, const HttpUrl& url, bool verify) {
  if (!url.host_is_ip()) SSL_set_tlsext_host_name(handle, url.host.c_str());
  if (!verify) {
    SSL_set_verify(handle, SSL_VERIFY_NONE, nullptr);
    return;
  }
  // OpenSSL's own name check, so a mismatch is reported as such.
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  if (url.host_is_ip()) {
    X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
  }
  SSL_set_verify(handle, SSL_VERIFY_PEER, nullptr);
}

std::string DescribeTlsFailure(SSL* handle, const boost::system::error_code& ec,
                               const std::string& authority, const char* plain_scheme) {
  std::string why = ec.message();
  const long verify = handle ? SSL_get_verify_result(handle) : X509_V_OK;
  if (verify != X509_V_OK) {
    why = std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify) +
          " (turn TLS verification off (verify_tls: false) for self-signed servers, or give a "
          "CA file)";
  } else if (why.find("wrong version number") != std::string::npos ||
             why.find("packet length too long") != std::string::npos) {
    why += std::string(" (is it a plain ") + plain_scheme + ":// server?)";
  }
  return "TLS handshake with " + authority + " failed: " + why;
}

}  // namespace mv
