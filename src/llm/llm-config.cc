#include "llm/llm-config.h"

#include <cmath>
#include <sstream>

#include "common/config-check.h"
#include "common/error.h"
#include "common/secret-mask.h"

namespace mv {

void LlmConfig::Validate() const {
  // No endpoint is allowed: the server still does ASR and TTS, and chat
  // routes answer 503 until one is configured.
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    CheckConfigUrl("llm.endpoints[" + std::to_string(i) + "].url", endpoints[i].url);
  }
  if (temperature && (!std::isfinite(*temperature) || *temperature < 0.0 || *temperature > 2.0)) {
    std::ostringstream got;
    got << *temperature;
    ConfigInvalid("llm.temperature: must be between 0 and 2, got " + got.str());
  }
  if (max_tokens) CheckConfigRange("llm.max_tokens", *max_tokens, 1, 1 << 20);
  if (!extra_body.is_object()) ConfigInvalid("llm.extra_body: must be a map of request fields");
  for (const char* owned : {"messages", "stream", "model"}) {
    if (extra_body.contains(owned))
      ConfigInvalid(std::string("llm.extra_body: '") + owned + "' is set by mirrorvox itself");
  }
  CheckConfigRange("llm.first_token_timeout_ms", first_token_timeout_ms, 1, 600000);
  CheckConfigRange("llm.cooldown_ms", cooldown_ms, 0, 3600000);
  for (std::size_t i = 0; i < discover_urls.size(); ++i)
    CheckConfigUrl("llm.discover_urls[" + std::to_string(i) + "]", discover_urls[i]);
  CheckConfigRange("llm.discover_interval_ms", discover_interval_ms, 1000, 3600000);
  if (fallback != "auto" && fallback != "echo" && fallback != "error")
    ConfigInvalid("llm.fallback: must be auto, echo or error, got '" + fallback + "'");
}

std::string LlmConfig::EffectiveFallback() const {
  if (fallback != "auto") return fallback;
  return endpoints.empty() ? "echo" : "error";
}

std::vector<std::string> LlmConfig::DefaultDiscoverUrls() {
  // Ollama, LM Studio, llama.cpp server and LocalAI (both 8080), vLLM.
  return {"http://127.0.0.1:11434", "http://127.0.0.1:1234", "http://127.0.0.1:8080",
          "http://127.0.0.1:8000"};
}

std::string LlmConfig::ToString() const {
  std::ostringstream os;
  os << "LlmConfig(endpoints=[";
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const LlmEndpoint& e = endpoints[i];
    os << (i ? ", " : "") << "LlmEndpoint(url=\"" << MaskUrlCredentials(e.url) << "\", key=\""
       << MaskSecret(e.key) << "\", model=\"" << e.model << "\")";
  }
  os << "], system_prompt=\"" << system_prompt << "\", temperature=";
  if (temperature)
    os << *temperature;
  else
    os << "unset";
  os << ", max_tokens=";
  if (max_tokens)
    os << *max_tokens;
  else
    os << "unset";
  os << ", extra_body=" << extra_body.dump() << ", first_token_timeout_ms=" << first_token_timeout_ms
     << ", cooldown_ms=" << cooldown_ms << ", discover=" << (discover ? "true" : "false")
     << ", discover_urls=[";
  for (std::size_t i = 0; i < discover_urls.size(); ++i)
    os << (i ? ", " : "") << "\"" << MaskUrlCredentials(discover_urls[i]) << "\"";
  os << "], discover_interval_ms=" << discover_interval_ms << ", fallback=\"" << fallback << "\")";
  return os.str();
}

}  // namespace mv
