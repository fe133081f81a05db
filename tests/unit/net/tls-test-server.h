// A tiny blocking HTTPS server for client tests: a fresh self-signed
// certificate (made with OpenSSL's C API, SAN DNS:localhost), one connection
// at a time, answering every request with a fixed chunked body. Records the
// SNI name each client sent.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mvtest {

class TlsTestServer {
 public:
  explicit TlsTestServer(std::string body = "hello over tls");
  ~TlsTestServer();

  int port() const { return port_; }
  // PEM file of the certificate, to trust it as a CA.
  const std::string& cert_file() const { return cert_file_; }
  std::vector<std::string> sni_names() const;

 private:
  void Serve();

  std::string body_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::string cert_file_;
  void* ctx_ = nullptr;  // SSL_CTX*
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // guards sni_names_
  std::vector<std::string> sni_names_;
  std::thread thread_;
};

}  // namespace mvtest
