#pragma once

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
  double temperature = 0.7;
  int max_tokens = 512;
  int first_token_timeout_ms = 10000;
  int cooldown_ms = 30000;

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
