#include "llm/llm-config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"
#include "common/secret-mask.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

void CheckRange(const char* key, long long value, long long min, long long max) {
  if (value < min || value > max) {
    Invalid(std::string(key) + ": must be between " + std::to_string(min) + " and " +
            std::to_string(max) + ", got " + std::to_string(value));
  }
}

void ValidateUrl(const std::string& key, const std::string& url) {
  // Messages quote the URL, so never with a password in it.
  const std::string shown = "'" + MaskUrlCredentials(url) + "'";
  if (url.empty()) {
    Invalid(key + ": must not be empty (e.g. http://127.0.0.1:11434/v1)");
  }
  std::size_t host_begin = 0;
  if (url.rfind("http://", 0) == 0) {
    host_begin = 7;
  } else if (url.rfind("https://", 0) == 0) {
    host_begin = 8;
  } else {
    Invalid(key + ": must start with http:// or https://, got " + shown);
  }
  if (host_begin >= url.size() || url[host_begin] == '/' || url[host_begin] == ':') {
    Invalid(key + ": must name a host after the scheme, got " + shown);
  }
  if (url.find_first_of(" \t\r\n") != std::string::npos) {
    Invalid(key + ": must not contain whitespace, got " + shown);
  }
}

}  // namespace

void LlmConfig::Validate() const {
  // No endpoint is allowed: the server still does ASR and TTS, and chat
  // routes answer 503 until one is configured.
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    ValidateUrl("llm.endpoints[" + std::to_string(i) + "].url", endpoints[i].url);
  }
  if (!std::isfinite(temperature) || temperature < 0.0 || temperature > 2.0) {
    std::ostringstream got;
    got << temperature;
    Invalid("llm.temperature: must be between 0 and 2, got " + got.str());
  }
  CheckRange("llm.max_tokens", max_tokens, 1, 1 << 20);
  CheckRange("llm.first_token_timeout_ms", first_token_timeout_ms, 1, 600000);
  CheckRange("llm.cooldown_ms", cooldown_ms, 0, 3600000);
}

std::string LlmConfig::ToString() const {
  std::ostringstream os;
  os << "LlmConfig(endpoints=[";
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const LlmEndpoint& e = endpoints[i];
    os << (i ? ", " : "") << "LlmEndpoint(url=\"" << MaskUrlCredentials(e.url) << "\", key=\""
       << MaskSecret(e.key) << "\", model=\"" << e.model << "\")";
  }
  os << "], system_prompt=\"" << system_prompt << "\", temperature=" << temperature
     << ", max_tokens=" << max_tokens << ", first_token_timeout_ms=" << first_token_timeout_ms
     << ", cooldown_ms=" << cooldown_ms << ")";
  return os.str();
}

}  // namespace mv
