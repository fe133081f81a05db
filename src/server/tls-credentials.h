// The server's certificate and key as `server.tls` asks for them: loaded and
// checked at startup (PEM, key matching the certificate) so a mistake stops
// the server with a message naming the config key, never a failing handshake
// later. OpenSSL's C API only; the Beast side gets plain PEM text.
#pragma once

#include <string>

#include "server/server-config.h"

namespace mv {

struct TlsCredentials {
  std::string cert_path;
  std::string key_path;
  std::string cert_pem;  // the whole file: leaf first, then any chain
  std::string key_pem;
  std::string fingerprint_sha256;  // of the leaf, "AB:CD:..." (what browsers show)
  std::string subject;             // one line, e.g. "O=mirrorvox, CN=mirrorvox"
  std::string alt_names;           // "DNS:localhost, IP Address:127.0.0.1, ..."
  std::string not_after;           // e.g. "Jan  1 00:00:00 2035 GMT"
  bool generated = false;          // made by this start (server.tls.self_signed)
};

// Reads and checks the pair. Throws mv::Error kInvalidInput "bad_tls_file"
// naming server.tls.cert / server.tls.key: unreadable file, no PEM
// certificate or key in it, an encrypted key, a key of another certificate.
TlsCredentials LoadTlsCredentials(const std::string& cert_path, const std::string& key_path);

// server.tls resolved (default paths under $XDG_DATA_HOME/mirrorvox/tls),
// with a self-signed pair generated first when asked for and both files are
// missing; logs the certificate path and fingerprint. Requires
// config.TlsEnabled().
TlsCredentials PrepareServerTls(const ServerConfig& config);

}  // namespace mv
