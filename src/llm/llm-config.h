#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mv {

struct LlmEndpoint {
  // Base URL (".../v1") or the full ".../chat/completions" URL.
  std::string url;
  std::string key;  // secret: masked when printed
  std::string model;
};

struct LlmConfig {
  // Tried in order: the first that works answers, the rest are fallbacks.
  std::vector<LlmEndpoint> endpoints;
  std::string system_prompt = "You are a helpful voice assistant. Answer briefly.";
  // Unset: not sent, the server's own default applies (as the original did).
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  // Extra fields merged into every chat request verbatim (top_p,
  // enable_thinking, ...: the original's LLM.extra_config); a JSON object.
  nlohmann::json extra_body = nlohmann::json::object();
  int first_token_timeout_ms = 10000;
  int cooldown_ms = 30000;
  // With no endpoints: look for an OpenAI-compatible server on this machine
  // (llm-discovery.h) at start and every discover_interval_ms.
  bool discover = true;
  // Base URLs probed in order; the default is the usual local servers'.
  std::vector<std::string> discover_urls = DefaultDiscoverUrls();
  int discover_interval_ms = 30000;
  // When no model answers: "echo" (a labelled echo reply, echo-llm.h),
  // "error" (503), or "auto": echo with no endpoints configured, error when
  // configured endpoints all fail.
  std::string fallback = "auto";

  // "echo" or "error": what `fallback` means for this config.
  std::string EffectiveFallback() const;
  static std::vector<std::string> DefaultDiscoverUrls();
  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
