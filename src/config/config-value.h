// Typed reading of YAML values for the config loader: every reader says what
// it allowed and what it got, and the caller adds the key and the place.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace mv {

// Thrown by the readers below; ApplyValue() turns it into mv::Error.
class ConfigValueError : public std::runtime_error {
 public:
  enum class Kind { kBadValue, kUnknownKey };
  // `subkey` is appended to the caller's key ("[1].url"); `mark` points at
  // the offending node when it differs from the caller's. For kUnknownKey the
  // message is the suggested subkey ("[1].url"), or "" for none.
  ConfigValueError(Kind kind, const std::string& message, std::string subkey = {},
                   YAML::Mark mark = YAML::Mark::null_mark())
      : std::runtime_error(message), kind_(kind), subkey_(std::move(subkey)), mark_(mark) {}
  explicit ConfigValueError(const std::string& message)
      : ConfigValueError(Kind::kBadValue, message) {}

  Kind kind() const { return kind_; }
  const std::string& subkey() const { return subkey_; }
  const YAML::Mark& mark() const { return mark_; }

 private:
  Kind kind_;
  std::string subkey_;
  YAML::Mark mark_;
};

// Where a value came from: a file (positions are added) or e.g. an
// environment variable ("from MIRRORVOX_SERVER__PORT").
struct ConfigOrigin {
  std::string label;
  bool is_file = true;
};

// " (file:3:7)" or " (from MIRRORVOX_SERVER__PORT)"; "" when nothing is known.
std::string DescribeOrigin(const ConfigOrigin& origin, const YAML::Mark& mark);

// Runs `apply`; a ConfigValueError from it becomes mv::Error "bad_config":
// "config: <key>: <message> (<origin>)" or "config: unknown key '<key>'...".
void ApplyValue(const std::string& key, const YAML::Node& node, const ConfigOrigin& origin,
                const std::function<void()>& apply);

// Throws mv::Error "bad_config": "config: unknown key '<key>'<hint> (<origin>)".
[[noreturn]] void ThrowUnknownKey(const std::string& key, const std::string& suggestion,
                                  const ConfigOrigin& origin, const YAML::Mark& mark);

// "'abc'", "a map", "a list", "nothing".
std::string DescribeNode(const YAML::Node& node);

std::string ReadString(const YAML::Node& node);
long long ReadInt(const YAML::Node& node, long long min, long long max);
int ReadInt32(const YAML::Node& node);
double ReadDouble(const YAML::Node& node);
// true/false, yes/no, on/off, 1/0; any case.
bool ReadBool(const YAML::Node& node);
// A byte count: 1048576, "25MB" (10^6), "512KiB" (2^10); units B, KB, MB, GB,
// KiB, MiB, GiB in any case, an optional space, and a decimal number.
std::size_t ReadSize(const YAML::Node& node);
// A list of strings (empty entries skipped) or one string.
std::vector<std::string> ReadStringList(const YAML::Node& node);

// Any YAML value as JSON, typed as YAML 1.2's core schema reads plain
// scalars (null, true/false, integers, floats; the rest strings; quoted
// scalars stay strings): for request fields passed through verbatim.
nlohmann::json ReadJson(const YAML::Node& node);
YAML::Node JsonToYaml(const nlohmann::json& value);

// Shortest form that reads back the same: 0.7, not 0.69999999999999996.
std::string FormatDouble(double value);
// "40MiB" when exact, else the plain number; ReadSize() reads both.
std::string FormatSize(std::size_t bytes);

}  // namespace mv
