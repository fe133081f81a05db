#include "config/config-env.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "config/config-schema.h"
#include "config/config-suggest.h"
#include "config/config-value.h"

namespace mv {
namespace {

constexpr std::string_view kPrefix = "MIRRORVOX_";
constexpr std::string_view kTestPrefix = "MIRRORVOX_TEST_";

std::vector<std::string> Split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos;
       at = text.find(separator, begin)) {
    parts.emplace_back(text.substr(begin, at - begin));
    begin = at + separator.size();
  }
  parts.emplace_back(text.substr(begin));
  return parts;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

[[noreturn]] void Fail(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", "config: " + message);
}

// "MIRRORVOX_SERVER__PROT" -> "MIRRORVOX_SERVER__PORT", or "".
std::string SuggestEnvName(const std::string& name) {
  // Compared without the common prefix, so "PORT" can find "SERVER__PORT".
  std::vector<std::string> names;
  for (const ConfigField& field : ConfigFields()) {
    names.push_back(EnvNameForKey(field.path).substr(kPrefix.size()));
  }
  for (const char* shortcut : {"llm.url", "llm.key", "llm.model"}) {
    names.push_back(EnvNameForKey(shortcut).substr(kPrefix.size()));
  }
  const std::string near = SuggestKey(name.substr(kPrefix.size()), names, "__");
  return near.empty() ? "" : std::string(kPrefix) + near;
}

// The value as a YAML node of the shape the key wants.
YAML::Node EnvNode(const std::string& name, const std::string& value, ConfigField::Shape shape) {
  const std::string trimmed = Trim(value);
  const bool flow = !trimmed.empty() && (trimmed.front() == '[' || trimmed.front() == '{');
  if (shape != ConfigField::Shape::kScalar && flow) {
    try {
      return YAML::Load(trimmed);
    } catch (const YAML::Exception& e) {
      Fail(name + ": not valid YAML flow syntax: " + e.msg);
    }
  }
  if (shape == ConfigField::Shape::kList) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const std::string& item : Split(value, ",")) {
      if (!Trim(item).empty()) list.push_back(Trim(item));
    }
    return list;
  }
  return YAML::Node(value);
}

// MIRRORVOX_LLM__URL and MIRRORVOX_LLM__ENDPOINTS__<i>__URL: true if handled.
bool ApplyEndpointVar(const std::string& name, const std::vector<std::string>& parts,
                      const std::string& value, Config& config) {
  std::size_t index = 0;
  std::string field;
  if (parts.size() == 2 && parts[0] == "llm") {
    field = parts[1];
  } else if (parts.size() == 4 && parts[0] == "llm" && parts[1] == "endpoints") {
    const std::string& digits = parts[2];
    if (digits.empty() || digits.size() > 2 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(c); })) {
      Fail(name + ": the endpoint index must be a number from 0 to 99, got '" + digits + "'");
    }
    index = std::stoul(digits);
    field = parts[3];
  } else {
    return false;
  }
  if (field != "url" && field != "key" && field != "model") return false;
  LlmEndpoint& endpoint = EndpointAt(config, index);
  (field == "url" ? endpoint.url : field == "key" ? endpoint.key : endpoint.model) = value;
  return true;
}

}  // namespace

const std::vector<std::string>& ReservedEnvNames() {
  static const std::vector<std::string> names = {"MIRRORVOX_CONFIG", "MIRRORVOX_LOG_LEVEL"};
  return names;
}

std::string EnvNameForKey(std::string_view path) {
  std::string name(kPrefix);
  for (const std::string& part : Split(path, ".")) {
    if (name.size() > kPrefix.size()) name += "__";
    for (char c : part) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::vector<std::string> ApplyEnvOverrides(const std::map<std::string, std::string>& env,
                                           Config& config) {
  const auto& reserved = ReservedEnvNames();
  std::vector<std::string> applied;
  for (const auto& [name, value] : env) {
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    if (std::find(reserved.begin(), reserved.end(), name) != reserved.end()) continue;
    // Test harnesses' own switches (MIRRORVOX_TEST_CHECK_EXIT, ...), which
    // every process they spawn inherits: not config.
    if (name.starts_with(kTestPrefix)) continue;

    std::string path;
    for (const std::string& part : Split(std::string_view(name).substr(kPrefix.size()), "__")) {
      if (!path.empty()) path += '.';
      for (char c : part) path += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (ApplyEndpointVar(name, Split(path, "."), value, config)) {
      applied.push_back(name);
      continue;
    }

    const ConfigField* field = FindConfigField(path);
    if (field == nullptr) {
      const std::string near = SuggestEnvName(name);
      Fail("unknown environment variable " + name +
           (near.empty() ? "" : " (did you mean " + near + "?)"));
    }
    const YAML::Node node = EnvNode(name, value, field->shape);
    ApplyValue(path, node, ConfigOrigin{"from " + name, false}, [&] { field->set(config, node); });
    applied.push_back(name);
  }
  return applied;
}

}  // namespace mv
