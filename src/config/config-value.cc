#include "config/config-value.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <string_view>

#include "common/error.h"

namespace mv {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Scalar text, or a type error naming what was expected.
std::string_view ScalarOf(const YAML::Node& node, const std::string& expected) {
  if (!node.IsScalar())
    throw ConfigValueError("expected " + expected + ", got " + DescribeNode(node));
  return Trim(node.Scalar());
}

bool ParseWhole(std::string_view text, long long& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool ParseWhole(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() &&
         std::isfinite(out);
}

struct SizeUnit {
  std::string_view name;
  std::size_t factor;
};
constexpr std::array<SizeUnit, 7> kSizeUnits{{{"b", 1},
                                              {"kb", 1000},
                                              {"mb", 1000 * 1000},
                                              {"gb", 1000 * 1000 * 1000},
                                              {"kib", std::size_t{1} << 10},
                                              {"mib", std::size_t{1} << 20},
                                              {"gib", std::size_t{1} << 30}}};

}  // namespace

std::string DescribeOrigin(const ConfigOrigin& origin, const YAML::Mark& mark) {
  if (origin.label.empty()) return "";
  if (!origin.is_file || mark.is_null()) return " (" + origin.label + ")";
  return " (" + origin.label + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1) + ")";
}

void ApplyValue(const std::string& key, const YAML::Node& node, const ConfigOrigin& origin,
                const std::function<void()>& apply) {
  try {
    apply();
  } catch (const ConfigValueError& e) {
    const YAML::Mark mark = e.mark().is_null() ? node.Mark() : e.mark();
    if (e.kind() == ConfigValueError::Kind::kUnknownKey) {
      // what() holds the suggestion, relative to `key` like the subkey.
      const std::string near = e.what();
      ThrowUnknownKey(key + e.subkey(), near.empty() ? "" : key + near, origin, mark);
    }
    throw Error(ErrorKind::kInvalidInput, "bad_config",
                "config: " + key + e.subkey() + ": " + e.what() + DescribeOrigin(origin, mark));
  }
}

void ThrowUnknownKey(const std::string& key, const std::string& suggestion,
                     const ConfigOrigin& origin, const YAML::Mark& mark) {
  std::string hint = suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)";
  throw Error(ErrorKind::kInvalidInput, "bad_config",
              "config: unknown key '" + key + "'" + hint + DescribeOrigin(origin, mark));
}

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

std::string ReadString(const YAML::Node& node) {
  if (!node.IsScalar()) throw ConfigValueError("expected a string, got " + DescribeNode(node));
  return node.Scalar();  // untrimmed: prompts may end in a space on purpose
}

long long ReadInt(const YAML::Node& node, long long min, long long max) {
  std::string expected = "an integer";
  if (min != LLONG_MIN && max != LLONG_MAX) {
    expected += " in " + std::to_string(min) + ".." + std::to_string(max);
  } else if (min != LLONG_MIN) {
    expected += " >= " + std::to_string(min);
  }
  const std::string_view text = ScalarOf(node, expected);
  long long value = 0;
  if (!ParseWhole(text, value) || value < min || value > max) {
    throw ConfigValueError("expected " + expected + ", got '" + std::string(text) + "'");
  }
  return value;
}

int ReadInt32(const YAML::Node& node) {
  // Plain "an integer" reads better than the int32 bounds in messages.
  const std::string_view text = ScalarOf(node, "an integer");
  long long value = 0;
  if (!ParseWhole(text, value) || value < INT_MIN || value > INT_MAX) {
    throw ConfigValueError("expected an integer, got '" + std::string(text) + "'");
  }
  return static_cast<int>(value);
}

double ReadDouble(const YAML::Node& node) {
  const std::string_view text = ScalarOf(node, "a number");
  double value = 0;
  if (!ParseWhole(text, value)) {
    throw ConfigValueError("expected a number, got '" + std::string(text) + "'");
  }
  return value;
}

bool ReadBool(const YAML::Node& node) {
  const std::string expected = "a boolean (true or false)";
  const std::string text = Lower(ScalarOf(node, expected));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  throw ConfigValueError("expected " + expected + ", got '" + node.Scalar() + "'");
}

std::size_t ReadSize(const YAML::Node& node) {
  const std::string expected = "a size such as 1048576, 25MB or 512KiB";
  const std::string_view text = ScalarOf(node, expected);
  const auto fail = [&] {
    throw ConfigValueError("expected " + expected + ", got '" + std::string(text) + "'");
  };
  long long whole = 0;
  if (ParseWhole(text, whole)) {
    if (whole < 0) fail();
    return static_cast<std::size_t>(whole);
  }
  std::size_t split = 0;
  while (split < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.')) {
    ++split;
  }
  double number = 0;
  if (!ParseWhole(text.substr(0, split), number)) fail();
  const std::string unit = Lower(Trim(text.substr(split)));
  for (const SizeUnit& u : kSizeUnits) {
    if (unit != u.name) continue;
    const double bytes = std::round(number * static_cast<double>(u.factor));
    if (bytes > 1e18) fail();
    return static_cast<std::size_t>(bytes);
  }
  fail();
  return 0;
}

std::vector<std::string> ReadStringList(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    if (!node.Scalar().empty()) out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    throw ConfigValueError("expected a list of strings, got " + DescribeNode(node));
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    // The original's config.yaml writes an empty list as "- " (one null item).
    if (item.IsNull()) continue;
    if (!item.IsScalar()) {
      throw ConfigValueError(ConfigValueError::Kind::kBadValue,
                             "expected a string, got " + DescribeNode(item),
                             "[" + std::to_string(i) + "]", item.Mark());
    }
    if (!item.Scalar().empty()) out.push_back(item.Scalar());
  }
  return out;
}

std::string FormatDouble(double value) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return ec == std::errc() ? std::string(buf.data(), end) : std::to_string(value);
}

std::string FormatSize(std::size_t bytes) {
  if (bytes == 0) return "0";
  static constexpr std::array<std::pair<std::size_t, const char*>, 3> kBinary{
      {{std::size_t{1} << 30, "GiB"},
       {std::size_t{1} << 20, "MiB"},
       {std::size_t{1} << 10, "KiB"}}};
  for (const auto& [factor, name] : kBinary) {
    if (bytes % factor == 0) return std::to_string(bytes / factor) + name;
  }
  return std::to_string(bytes);
}

nlohmann::json ReadJson(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(ReadJson(item));
    return out;
  }
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = ReadJson(kv.second);
    return out;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: a string whatever it looks like
  const std::string lower = Lower(text);
  if (lower == "true") return true;
  if (lower == "false") return false;
  if (lower == "null" || text == "~") return nullptr;
  long long i = 0;
  if (ParseWhole(text, i)) return i;
  double d = 0;
  if (ParseWhole(text, d)) return d;
  return text;
}

YAML::Node JsonToYaml(const nlohmann::json& value) {
  if (value.is_object()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& [k, v] : value.items()) out[k] = JsonToYaml(v);
    return out;
  }
  if (value.is_array()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& v : value) out.push_back(JsonToYaml(v));
    return out;
  }
  if (value.is_null()) return YAML::Node(YAML::NodeType::Null);
  if (value.is_string()) return YAML::Node(value.get<std::string>());
  if (value.is_boolean()) return YAML::Node(value.get<bool>());
  if (value.is_number_integer()) return YAML::Node(value.get<long long>());
  return YAML::Node(FormatDouble(value.get<double>()));
}

}  // namespace mv
