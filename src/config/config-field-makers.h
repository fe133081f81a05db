// Building blocks for the config table (config-schema.cc and the
// per-section field lists): one ConfigField per key, read and printed
// through one accessor lambda.
#pragma once

#include <climits>
#include <string>
#include <vector>

#include "config/config-schema.h"
#include "config/config-value.h"

namespace mv::config_fields {

using Shape = ConfigField::Shape;

// `acc` is a generic lambda returning the member, so one accessor serves
// both reading (Config&) and printing (const Config&).
template <class Acc>
ConfigField String(std::string path, Acc acc) {
  return {std::move(path), Shape::kScalar,
          [acc](Config& c, const YAML::Node& n) { acc(c) = ReadString(n); },
          [acc](const Config& c) { return YAML::Node(acc(c)); }};
}

template <class Acc>
ConfigField Int(std::string path, Acc acc, long long min = LLONG_MIN, long long max = LLONG_MAX) {
  const bool ranged = min != LLONG_MIN || max != LLONG_MAX;
  return {std::move(path), Shape::kScalar,
          [acc, min, max, ranged](Config& c, const YAML::Node& n) {
            acc(c) = ranged ? static_cast<int>(ReadInt(n, min, max)) : ReadInt32(n);
          },
          [acc](const Config& c) { return YAML::Node(acc(c)); }};
}

template <class Acc>
ConfigField Double(std::string path, Acc acc) {
  return {std::move(path), Shape::kScalar,
          [acc](Config& c, const YAML::Node& n) { acc(c) = ReadDouble(n); },
          [acc](const Config& c) { return YAML::Node(FormatDouble(acc(c))); }};
}

template <class Acc>
ConfigField Bool(std::string path, Acc acc) {
  return {std::move(path), Shape::kScalar,
          [acc](Config& c, const YAML::Node& n) { acc(c) = ReadBool(n); },
          [acc](const Config& c) { return YAML::Node(acc(c)); }};
}

template <class Acc>
ConfigField Size(std::string path, Acc acc) {
  return {std::move(path), Shape::kScalar,
          [acc](Config& c, const YAML::Node& n) { acc(c) = ReadSize(n); },
          [acc](const Config& c) { return YAML::Node(FormatSize(acc(c))); }};
}

template <class Acc>
ConfigField StringList(std::string path, Acc acc) {
  return {std::move(path), Shape::kList,
          [acc](Config& c, const YAML::Node& n) { acc(c) = ReadStringList(n); },
          [acc](const Config& c) {
            YAML::Node out(YAML::NodeType::Sequence);
            for (const std::string& s : acc(c)) out.push_back(s);
            return out;
          }};
}

// Re-throws a reader's error one level deeper: "[1]" + ".url".
template <class F>
auto Nested(const std::string& subkey, const YAML::Node& node, F&& read) {
  try {
    return read();
  } catch (const ConfigValueError& e) {
    const bool relative = e.kind() == ConfigValueError::Kind::kUnknownKey && *e.what() != '\0';
    throw ConfigValueError(e.kind(), relative ? subkey + e.what() : e.what(), subkey + e.subkey(),
                           e.mark().is_null() ? node.Mark() : e.mark());
  }
}

// A list of integers (asr.funasr.chunk_size), printed on one line.
template <class Acc>
ConfigField IntList(std::string path, Acc acc) {
  return {std::move(path), Shape::kList,
          [acc](Config& c, const YAML::Node& n) {
            if (!n.IsSequence())
              throw ConfigValueError("expected a list of integers, got " + DescribeNode(n));
            std::vector<int> out;
            for (std::size_t i = 0; i < n.size(); ++i)
              out.push_back(Nested("[" + std::to_string(i) + "]", n[i], [&] { return ReadInt32(n[i]); }));
            acc(c) = std::move(out);
          },
          [acc](const Config& c) {
            YAML::Node out(YAML::NodeType::Sequence);
            for (int v : acc(c)) out.push_back(v);
            out.SetStyle(YAML::EmitterStyle::Flow);
            return out;
          }};
}

// tools.* (config-tools-fields.cc).
void AddToolsFields(std::vector<ConfigField>& fields);

}  // namespace mv::config_fields
