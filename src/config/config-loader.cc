#include "config/config-loader.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.h"
#include "config/config-env.h"
#include "config/config-legacy.h"
#include "config/config-schema.h"
#include "config/config-suggest.h"
#include "config/config-value.h"

extern char** environ;

namespace mv {
namespace {

[[noreturn]] void Fail(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", "config: " + message);
}

std::string ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    Fail("cannot read config file '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read config file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// yaml-cpp reports a tab in indentation as e.g. "illegal map value"; the
// usual culprit deserves naming.
std::string TabHint(const std::string& text, int error_line) {
  std::istringstream lines(text);
  std::string line;
  for (int n = 0; n <= error_line && std::getline(lines, line); ++n) {
    const std::size_t indent_end = line.find_first_not_of(" \t");
    if (line.substr(0, indent_end).find('\t') != std::string::npos) {
      return " (line " + std::to_string(n + 1) + " is indented with a tab; YAML needs spaces)";
    }
  }
  return "";
}

YAML::Node Parse(const std::string& text, const std::string& path) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
         ": YAML syntax error: " + e.msg + TabHint(text, e.mark.line));
  }
}

std::vector<std::string> TopLevelNames() {
  std::vector<std::string> names;
  for (const std::string& key : ConfigKeyNames()) {
    if (key.find('.') == std::string::npos) names.push_back(key);
  }
  for (const std::string& section : LegacySectionNames()) names.push_back(section);
  return names;
}

std::string KeyText(const YAML::Node& key, const std::string& parent, const ConfigOrigin& origin) {
  if (!key.IsScalar()) {
    Fail("keys must be plain words, got " + DescribeNode(key) +
         (parent.empty() ? "" : " in '" + parent + "'") + DescribeOrigin(origin, key.Mark()));
  }
  return key.Scalar();
}

// Mirrorvox's own keys: unknown ones are errors.
void ApplyOwn(const std::string& path, const YAML::Node& node, Config& config,
              const ConfigOrigin& origin) {
  if (const ConfigField* field = FindConfigField(path)) {
    if (node.IsNull()) return;
    ApplyValue(path, node, origin, [&] { field->set(config, node); });
    return;
  }
  // Only groups reach here (the caller checked the key is known).
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    Fail(path + ": expected a map of keys, got " + DescribeNode(node) +
         DescribeOrigin(origin, node.Mark()));
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string child = path + "." + KeyText(kv.first, path, origin);
    if (!seen.insert(child).second) {
      Fail("duplicate key '" + child + "'" + DescribeOrigin(origin, kv.first.Mark()));
    }
    if (FindConfigField(child) == nullptr && !IsConfigGroup(child)) {
      // Names from the original format inside our sections: point at ours.
      static const std::map<std::string, std::string> kAliases = {
          {"llm.api", "llm.endpoints[0].url"},        {"llm.url", "llm.endpoints[0].url"},
          {"llm.key", "llm.endpoints[0].key"},        {"llm.model", "llm.endpoints[0].model"},
          {"voiceprint.is_up", "voiceprint.enabled"}, {"voiceprint.thr", "voiceprint.threshold"},
      };
      const auto alias = kAliases.find(child);
      ThrowUnknownKey(child,
                      alias != kAliases.end() ? alias->second : SuggestKey(child, ConfigKeyNames()),
                      origin, kv.first.Mark());
    }
    ApplyOwn(child, kv.second, config, origin);
  }
}

void ApplyDocument(const YAML::Node& root, Config& config, const ConfigOrigin& origin) {
  if (root.IsNull()) return;  // an empty file: the defaults
  if (!root.IsMap()) {
    Fail(origin.label + ": expected a map of sections (server:, llm:, ...) at the top level, got " +
         DescribeNode(root));
  }
  std::set<std::string> seen;
  for (const auto& kv : root) {
    const std::string name = KeyText(kv.first, "", origin);
    if (!seen.insert(name).second) {
      Fail("duplicate key '" + name + "'" + DescribeOrigin(origin, kv.first.Mark()));
    }
    if (!IsLegacySection(name) && !IsConfigGroup(name)) {
      ThrowUnknownKey(name, SuggestKey(name, TopLevelNames()), origin, kv.first.Mark());
    }
  }
  // The original format first, so mirrorvox's keys win in a mixed file.
  ApplyLegacyDefaults(DetectLegacyGeneration(root), config);
  for (const auto& kv : root) {
    const std::string name = kv.first.Scalar();
    if (IsLegacySection(name)) ApplyLegacySection(name, kv.second, config, origin);
  }
  for (const auto& kv : root) {
    const std::string name = kv.first.Scalar();
    if (IsConfigGroup(name)) ApplyOwn(name, kv.second, config, origin);
  }
}

}  // namespace

Config LoadConfig(const std::string& path_or_empty, const std::map<std::string, std::string>& env) {
  Config config;
  config.source = path_or_empty.empty() ? "built-in defaults" : path_or_empty;
  if (!path_or_empty.empty()) {
    const YAML::Node root = Parse(ReadFile(path_or_empty), path_or_empty);
    ApplyDocument(root, config, ConfigOrigin{path_or_empty, true});
  }
  const std::vector<std::string> applied = ApplyEnvOverrides(env, config);
  if (!applied.empty()) {
    std::string names;
    for (const std::string& name : applied) names += (names.empty() ? "" : ", ") + name;
    config.source += " + environment (" + names + ")";
  }
  for (const std::string& warning : config.warnings) spdlog::warn("{}", warning);
  try {
    config.Validate();
  } catch (const Error& e) {
    throw Error(e.kind(), e.code(), std::string(e.what()) + " (in " + config.source + ")");
  }
  return config;
}

Config LoadConfig(const std::string& path_or_empty) {
  return LoadConfig(path_or_empty, MirrorvoxEnvironment());
}

std::map<std::string, std::string> MirrorvoxEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.rfind("MIRRORVOX_", 0) != 0) continue;
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

}  // namespace mv
