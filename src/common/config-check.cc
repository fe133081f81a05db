#include "common/config-check.h"

#include "common/error.h"
#include "common/secret-mask.h"

namespace mv {

void ConfigInvalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

void CheckConfigRange(const std::string& key, long long value, long long min, long long max) {
  if (value < min || value > max)
    ConfigInvalid(key + ": must be between " + std::to_string(min) + " and " +
                  std::to_string(max) + ", got " + std::to_string(value));
}

void CheckConfigUrl(const std::string& key, const std::string& url, bool websocket) {
  const std::string shown = "'" + MaskUrlCredentials(url) + "'";
  const char* example = websocket ? "ws://127.0.0.1:10095" : "http://127.0.0.1:11434/v1";
  if (url.empty()) ConfigInvalid(key + ": must not be empty (e.g. " + example + ")");
  std::size_t host_begin = std::string::npos;
  for (const char* scheme : {"http://", "https://", "ws://", "wss://"}) {
    bool ws = scheme[0] == 'w';
    if (ws && !websocket) continue;
    if (url.rfind(scheme, 0) == 0) host_begin = std::char_traits<char>::length(scheme);
  }
  if (host_begin == std::string::npos)
    ConfigInvalid(key + (websocket ? ": must start with ws://, wss://, http:// or https://, got "
                                   : ": must start with http:// or https://, got ") +
                  shown);
  if (host_begin >= url.size() || url[host_begin] == '/' || url[host_begin] == ':')
    ConfigInvalid(key + ": must name a host after the scheme, got " + shown);
  if (url.find_first_of(" \t\r\n") != std::string::npos)
    ConfigInvalid(key + ": must not contain whitespace, got " + shown);
}

}  // namespace mv
