#include "tools/tools-config.h"

#include <cctype>
#include <set>
#include <sstream>

#include "common/config-check.h"
#include "common/secret-mask.h"

namespace mv {

void ToolsConfig::Validate() const {
  std::set<std::string> names;
  for (std::size_t i = 0; i < mcp_servers.size(); ++i) {
    const McpServerConfig& s = mcp_servers[i];
    const std::string key = "tools.mcp_servers[" + std::to_string(i) + "]";
    if (s.name.empty() || s.name.size() > 32)
      ConfigInvalid(key + ".name: must be 1 to 32 characters");
    for (char c : s.name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
        ConfigInvalid(key + ".name: only letters, digits, '_' and '-' (it prefixes tool names)");
    if (!names.insert(s.name).second) ConfigInvalid(key + ".name: '" + s.name + "' is used twice");
    if (s.url.empty() == s.command.empty())
      ConfigInvalid(key + ": give either url (Streamable HTTP) or command (stdio)");
    if (!s.url.empty()) CheckConfigUrl(key + ".url", s.url);
    if (!s.url.empty() && (!s.env.empty() || !s.args.empty()))
      ConfigInvalid(key + ": args and env are for stdio servers (command)");
    if (!s.command.empty() && !s.headers.empty())
      ConfigInvalid(key + ": headers are for HTTP servers (url)");
  }
  CheckConfigRange("tools.max_rounds", max_rounds, 1, 32);
  CheckConfigRange("tools.call_timeout_ms", call_timeout_ms, 1, 600000);
  CheckConfigRange("tools.connect_timeout_ms", connect_timeout_ms, 1, 600000);
  CheckConfigRange("tools.retry_ms", retry_ms, 100, 3600000);
  CheckConfigRange("tools.filler_after_ms", filler_after_ms, 0, 600000);
  CheckConfigRange("tools.max_argument_bytes", static_cast<long long>(max_argument_bytes), 2,
                   16 << 20);
  CheckConfigRange("tools.max_result_bytes", static_cast<long long>(max_result_bytes), 16,
                   16 << 20);
}

std::string ToolsConfig::ToString() const {
  std::ostringstream os;
  os << "ToolsConfig(mcp_servers=[";
  for (std::size_t i = 0; i < mcp_servers.size(); ++i) {
    const McpServerConfig& s = mcp_servers[i];
    os << (i ? ", " : "") << "McpServer(name=\"" << s.name << "\"";
    if (!s.url.empty()) os << ", url=\"" << MaskUrlCredentials(s.url) << "\"";
    for (const auto& [k, v] : s.headers) os << ", header " << k << "=\"" << MaskSecret(v) << "\"";
    if (!s.command.empty()) os << ", command=\"" << s.command << "\", args=" << s.args.size();
    for (const auto& [k, v] : s.env) os << ", env " << k << "=\"" << MaskSecret(v) << "\"";
    os << ")";
  }
  os << "], max_rounds=" << max_rounds << ", call_timeout_ms=" << call_timeout_ms
     << ", filler_after_ms=" << filler_after_ms << ", filler=\"" << filler
     << "\", max_argument_bytes=" << max_argument_bytes << ", max_result_bytes=" << max_result_bytes
     << ")";
  return os.str();
}

}  // namespace mv
