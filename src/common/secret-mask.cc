#include "common/secret-mask.h"

namespace mv {

std::string MaskSecret(std::string_view secret) {
  if (secret.empty()) return "";
  // Below 12 characters, 4 shown characters would give away too much.
  if (secret.size() < 12) return "****";
  std::string out;
  const std::size_t dash = secret.find('-');
  if (dash != std::string_view::npos && dash > 0 && dash <= 4) {
    out.append(secret.substr(0, dash + 1));
  }
  out.append("\u2026");  // "…"
  out.append(secret.substr(secret.size() - 4));
  return out;
}

std::string MaskUrlCredentials(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t auth_begin = scheme + 3;
  const std::size_t auth_end = url.find_first_of("/?#", auth_begin);
  const std::string_view authority = url.substr(auth_begin, auth_end - auth_begin);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::size_t colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  std::string out(url.substr(0, auth_begin + colon + 1));
  out.append("****");
  out.append(url.substr(auth_begin + at));
  return out;
}

}  // namespace mv
