#pragma once

#include <cstddef>
#include <string>

namespace mv {

struct ServerConfig {
  std::string host = "0.0.0.0";
  int port = 8001;
  int io_threads = 1;
  // Threads that run models; 0 = one per core.
  int compute_threads = 0;
  // Largest request body accepted (base64 inflates audio by 4/3).
  std::size_t max_body_bytes = 40u << 20;
  // A client that sends nothing for this long is dropped.
  int idle_timeout_s = 60;
  // SIGTERM/SIGINT: work in flight is cancelled and gets this long to answer
  // its client (with an error) before the engines go.
  int shutdown_grace_ms = 5000;
  // HTTPS/WSS on `port` (plain HTTP/WS stays on too) when both are set (PEM
  // files). With tls_self_signed a missing pair is generated there on first
  // start and reused later ("" = $XDG_DATA_HOME/mirrorvox/tls/cert.pem and
  // key.pem, i.e. ~/.local/share/mirrorvox/tls/).
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;

  bool TlsEnabled() const { return tls_self_signed || (!tls_cert.empty() && !tls_key.empty()); }
  // tls_cert / tls_key, or their defaults when empty.
  std::string ResolvedTlsCert() const;
  std::string ResolvedTlsKey() const;

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
