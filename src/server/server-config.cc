#include "server/server-config.h"

#include <cstdlib>
#include <sstream>

#include "common/config-check.h"
#include "common/error.h"

namespace mv {

void ServerConfig::Validate() const {
  if (host.empty()) ConfigInvalid("server.host: must not be empty (e.g. 0.0.0.0 or 127.0.0.1)");
  // A pasted URL is the usual mistake; the listener wants a bare address.
  if (host.find("://") != std::string::npos || host.find('/') != std::string::npos) {
    ConfigInvalid("server.host: must be a host name or IP address, not a URL, got '" + host + "'");
  }
  if (host.find_first_of(" \t\r\n") != std::string::npos) {
    ConfigInvalid("server.host: must not contain whitespace, got '" + host + "'");
  }
  CheckConfigRange("server.port", port, 1, 65535);
  CheckConfigRange("server.io_threads", io_threads, 1, 1024);
  CheckConfigRange("server.compute_threads", compute_threads, 0, 1024);
  if (max_body_bytes < 1024 || max_body_bytes > (std::size_t{4} << 30)) {
    ConfigInvalid("server.max_body_bytes: must be between 1KiB and 4GiB, got " +
                  std::to_string(max_body_bytes));
  }
  CheckConfigRange("server.idle_timeout_s", idle_timeout_s, 1, 86400);
  if (auth.mode != "auto" && auth.mode != "keys" && auth.mode != "open")
    ConfigInvalid("server.auth.mode: must be auto, keys or open, got '" + auth.mode + "'");
  if (auth.legacy_routes != "auto" && auth.legacy_routes != "open" && auth.legacy_routes != "key")
    ConfigInvalid("server.auth.legacy_routes: must be auto, open or key, got '" +
                  auth.legacy_routes + "'");
  for (const std::string& o : cors_origins) {
    // An origin is scheme://host[:port], exactly as browsers send it.
    const bool scheme = o.starts_with("http://") || o.starts_with("https://");
    const std::size_t rest = o.find("://") + 3;
    if (!scheme || o.size() <= rest || o.find('/', rest) != std::string::npos ||
        o.find_first_of(" \t\r\n*") != std::string::npos)
      ConfigInvalid("server.cors_origins: '" + o +
                    "' is not an origin (scheme://host[:port], no path, no wildcard)");
  }
  CheckConfigRange("server.shutdown_grace_ms", shutdown_grace_ms, 0, 600000);
  CheckConfigRange("server.max_queued_audio_ms", max_queued_audio_ms, 100, 600000);
  if (!tls_self_signed && tls_cert.empty() != tls_key.empty()) {
    ConfigInvalid(std::string("server.tls: ") + (tls_cert.empty() ? "cert" : "key") +
                  " is missing: give both server.tls.cert and server.tls.key (PEM files), or "
                  "set server.tls.self_signed: true");
  }
}

namespace {

std::string StateDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/mirrorvox";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/mirrorvox";
  return "mirrorvox-state";
}

std::string DefaultTlsDir() { return StateDir() + "/tls"; }

}  // namespace

std::string AuthConfig::ResolvedKeysFile() const {
  return keys_file.empty() ? StateDir() + "/keys.json" : keys_file;
}

bool ServerConfig::Loopback() const {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

std::string ServerConfig::ResolvedTlsCert() const {
  return tls_cert.empty() ? DefaultTlsDir() + "/cert.pem" : tls_cert;
}

std::string ServerConfig::ResolvedTlsKey() const {
  return tls_key.empty() ? DefaultTlsDir() + "/key.pem" : tls_key;
}

std::string ServerConfig::ToString() const {
  std::ostringstream os;
  os << "ServerConfig(host=\"" << host << "\", port=" << port << ", io_threads=" << io_threads
     << ", compute_threads=" << compute_threads << ", max_body_bytes=" << max_body_bytes
     << ", idle_timeout_s=" << idle_timeout_s << ", shutdown_grace_ms=" << shutdown_grace_ms
     << ", max_queued_audio_ms=" << max_queued_audio_ms << ", tls_cert=\"" << tls_cert
     << "\", tls_key=\"" << tls_key << "\", tls_self_signed=" << tls_self_signed << ")";
  return os.str();
}

}  // namespace mv
