#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mv {

// Who may call what (server.auth.*): see AccessControl.
struct AuthConfig {
  // auto: keys are required once any exists; with none, only a loopback
  //       listener runs (open to local clients), any other refuses to start.
  // keys: a key is always required (start refused while there is none).
  // open: no keys at all, whoever reaches the port (an explicit choice).
  std::string mode = "auto";
  // API keys (hashed) kept by `mirrorvox keys`; "" = $XDG_DATA_HOME/mirrorvox/keys.json.
  std::string keys_file;
  // The original clients' routes (/api/asr, /api/chat, /process_audio), which
  // send no key. auto: open on a loopback listener, key otherwise.
  std::string legacy_routes = "auto";

  std::string ResolvedKeysFile() const;
};

struct ServerConfig {
  // Loopback by default: reaching beyond this machine is a decision.
  std::string host = "127.0.0.1";
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
  // Back-pressure: a spoken answer stops producing while more than this
  // much of its audio waits to be written to a slow client, and goes on as
  // it drains (the bytes per transport's format).
  int max_queued_audio_ms = 4000;
  // HTTPS/WSS on `port` (plain HTTP/WS stays on too) when both are set (PEM
  // files). With tls_self_signed a missing pair is generated there on first
  // start and reused later ("" = $XDG_DATA_HOME/mirrorvox/tls/cert.pem and
  // key.pem, i.e. ~/.local/share/mirrorvox/tls/).
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  AuthConfig auth;
  // Browser origins besides the server's own page that may call the API
  // ("https://app.example.com"); the WebSocket upgrade checks the same list.
  std::vector<std::string> cors_origins;

  bool TlsEnabled() const { return tls_self_signed || (!tls_cert.empty() && !tls_key.empty()); }
  // tls_cert / tls_key, or their defaults when empty.
  std::string ResolvedTlsCert() const;
  std::string ResolvedTlsKey() const;

  // host is 127.0.0.0/8, ::1 or localhost.
  bool Loopback() const;

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
