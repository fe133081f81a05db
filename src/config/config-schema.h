// Every key of mirrorvox's own config format, in one table: how to read it
// into a Config and how to print it back. Adding a field to a section's
// struct means adding one line here (and to config/mirrorvox.example.yaml).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace mv {

struct ConfigField {
  enum class Shape { kScalar, kList, kMap };

  std::string path;  // "server.port", "tts.gpt_sovits.top_k"
  Shape shape = Shape::kScalar;
  // Reads a non-null node; throws ConfigValueError.
  std::function<void(Config&, const YAML::Node&)> set;
  // The value as YAML, secrets unmasked (the printer masks them).
  std::function<YAML::Node(const Config&)> get;
};

// In print order.
const std::vector<ConfigField>& ConfigFields();
const ConfigField* FindConfigField(std::string_view path);
// True for keys that hold other keys: "server", "tts.gpt_sovits".
bool IsConfigGroup(std::string_view path);
// Every field path and group, for suggestions.
const std::vector<std::string>& ConfigKeyNames();

// llm.endpoints[index], created (with any gap before it) when missing.
LlmEndpoint& EndpointAt(Config& config, std::size_t index);

}  // namespace mv
