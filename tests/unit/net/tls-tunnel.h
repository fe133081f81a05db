// A TLS front for a plain TCP server, as a reverse proxy that terminates TLS
// would be: wss:// tests run against the ws:// doubles through it. A fresh
// self-signed certificate (OpenSSL's C API, SAN DNS:localhost); one thread
// per connection, copying bytes both ways until either side closes.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mvtest {

class TlsTunnel {
 public:
  explicit TlsTunnel(int backend_port);
  ~TlsTunnel();
  TlsTunnel(const TlsTunnel&) = delete;
  TlsTunnel& operator=(const TlsTunnel&) = delete;

  int port() const { return port_; }
  // PEM file of the certificate, to trust it as a CA.
  const std::string& cert_file() const { return cert_file_; }

 private:
  void Accept();
  void Pipe(int client_fd);

  int backend_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::string cert_file_;
  void* ctx_ = nullptr;  // SSL_CTX*
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mutex_;  // guards pipes_
  std::vector<std::thread> pipes_;
};

}  // namespace mvtest
