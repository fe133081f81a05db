// tools.*: the MCP servers ({name, url | command + args, headers, env}) and
// the tool loop's bounds.
#include <algorithm>
#include <map>

#include "config/config-field-makers.h"
#include "config/config-suggest.h"

namespace mv::config_fields {
namespace {

std::map<std::string, std::string> ReadStringMap(const YAML::Node& node) {
  if (!node.IsMap())
    throw ConfigValueError("expected a map of NAME: value, got " + DescribeNode(node));
  std::map<std::string, std::string> out;
  for (const auto& kv : node)
    out[kv.first.Scalar()] = kv.second.IsNull() ? "" : ReadString(kv.second);
  return out;
}

McpServerConfig ReadMcpServer(const YAML::Node& node, const std::string& subkey) {
  static const std::vector<std::string> kKeys = {"name",    "url",  "headers",
                                                 "command", "args", "env"};
  if (!node.IsMap()) {
    throw ConfigValueError(ConfigValueError::Kind::kBadValue,
                           "expected {name, url | command, ...}, got " + DescribeNode(node), subkey,
                           node.Mark());
  }
  McpServerConfig s;
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    if (std::find(kKeys.begin(), kKeys.end(), name) == kKeys.end()) {
      const std::string near = SuggestKey(name, kKeys);
      throw ConfigValueError(ConfigValueError::Kind::kUnknownKey,
                             near.empty() ? "" : subkey + "." + near, subkey + "." + name,
                             kv.first.Mark());
    }
    if (kv.second.IsNull()) continue;
    Nested(subkey + "." + name, kv.second, [&] {
      if (name == "name") s.name = ReadString(kv.second);
      if (name == "url") s.url = ReadString(kv.second);
      if (name == "command") s.command = ReadString(kv.second);
      if (name == "args") s.args = ReadStringList(kv.second);
      if (name == "headers") s.headers = ReadStringMap(kv.second);
      if (name == "env") s.env = ReadStringMap(kv.second);
    });
  }
  return s;
}

std::vector<McpServerConfig> ReadMcpServers(const YAML::Node& node) {
  if (!node.IsSequence())
    throw ConfigValueError("expected a list of {name, url | command, ...}, got " +
                           DescribeNode(node));
  std::vector<McpServerConfig> out;
  for (std::size_t i = 0; i < node.size(); ++i)
    out.push_back(ReadMcpServer(node[i], "[" + std::to_string(i) + "]"));
  return out;
}

YAML::Node PrintMcpServers(const std::vector<McpServerConfig>& servers) {
  YAML::Node out(YAML::NodeType::Sequence);
  for (const McpServerConfig& s : servers) {
    YAML::Node item(YAML::NodeType::Map);
    item["name"] = s.name;
    if (!s.url.empty()) item["url"] = s.url;
    for (const auto& [k, v] : s.headers) item["headers"][k] = v;
    if (!s.command.empty()) item["command"] = s.command;
    for (const auto& a : s.args) item["args"].push_back(a);
    for (const auto& [k, v] : s.env) item["env"][k] = v;
    out.push_back(item);
  }
  return out;
}

}  // namespace

void AddToolsFields(std::vector<ConfigField>& f) {
  f.push_back({"tools.mcp_servers", Shape::kList,
               [](Config& c, const YAML::Node& n) { c.tools.mcp_servers = ReadMcpServers(n); },
               [](const Config& c) { return PrintMcpServers(c.tools.mcp_servers); }});
  f.push_back(Int(
      "tools.max_rounds", [](auto& c) -> auto& { return c.tools.max_rounds; }, 1, 32));
  f.push_back(Int(
      "tools.call_timeout_ms", [](auto& c) -> auto& { return c.tools.call_timeout_ms; }, 1,
      600000));
  f.push_back(Int(
      "tools.connect_timeout_ms", [](auto& c) -> auto& { return c.tools.connect_timeout_ms; }, 1,
      600000));
  f.push_back(Int(
      "tools.retry_ms", [](auto& c) -> auto& { return c.tools.retry_ms; }, 100, 3600000));
  f.push_back(Int(
      "tools.filler_after_ms", [](auto& c) -> auto& { return c.tools.filler_after_ms; }, 0,
      600000));
  f.push_back(String(
      "tools.filler", [](auto& c) -> auto& { return c.tools.filler; }));
  f.push_back(Size(
      "tools.max_argument_bytes", [](auto& c) -> auto& { return c.tools.max_argument_bytes; }));
  f.push_back(Size(
      "tools.max_result_bytes", [](auto& c) -> auto& { return c.tools.max_result_bytes; }));
}

}  // namespace mv::config_fields
