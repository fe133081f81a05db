#include "config/config-printer.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

#include "common/secret-mask.h"
#include "config/config-schema.h"

namespace mv {
namespace {

// Places `value` at a dotted path, creating the maps on the way.
void Put(YAML::Node& root, const std::string& path, const YAML::Node& value) {
  std::vector<YAML::Node> chain{root};
  std::size_t begin = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', begin)) {
    chain.push_back(chain.back()[path.substr(begin, dot - begin)]);
    begin = dot + 1;
  }
  chain.back()[path.substr(begin)] = value;
}

void CommentLines(std::ostringstream& out, const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out << "# " << line << "\n";
}

}  // namespace

std::string PrintConfig(const Config& config) {
  YAML::Node root(YAML::NodeType::Map);
  for (const ConfigField& field : ConfigFields()) {
    YAML::Node value = field.get(config);
    if (field.path == "llm.endpoints") {
      // The one place secrets live; masked here so no caller can forget.
      for (std::size_t i = 0; i < value.size(); ++i) {
        const LlmEndpoint& endpoint = config.llm.endpoints[i];
        value[i]["url"] = MaskUrlCredentials(endpoint.url);
        value[i]["key"] = MaskSecret(endpoint.key);
      }
    }
    if (field.path == "tts.openai_speech.key") value = YAML::Node(MaskSecret(config.tts.openai_speech.key));
    if (field.path == "asr.openai.key") value = YAML::Node(MaskSecret(config.asr.openai.key));
    if (field.path == "tools.mcp_servers") {
      for (std::size_t i = 0; i < value.size(); ++i) {
        const McpServerConfig& s = config.tools.mcp_servers[i];
        if (!s.url.empty()) value[i]["url"] = MaskUrlCredentials(s.url);
        for (const auto& [k, v] : s.headers) value[i]["headers"][k] = MaskSecret(v);
        for (const auto& [k, v] : s.env) value[i]["env"][k] = MaskSecret(v);
      }
    }
    if (field.path == "asr.endpoints") {
      for (std::size_t i = 0; i < value.size(); ++i)
        value[i]["url"] = MaskUrlCredentials(config.asr.remote.endpoints[i].url);
    }
    if (field.path == "tts.endpoints") {
      for (std::size_t i = 0; i < value.size(); ++i)
        value[i]["url"] = MaskUrlCredentials(config.tts.remote.endpoints[i].url);
    }
    // "owners: []" on one line, not "owners:" and "[]" below it.
    if ((value.IsSequence() || value.IsMap()) && value.size() == 0) {
      value.SetStyle(YAML::EmitterStyle::Flow);
    }
    Put(root, field.path, value);
  }

  std::ostringstream out;
  out << "# mirrorvox configuration, resolved from "
      << (config.source.empty() ? "built-in defaults" : config.source) << "\n";
  out << "# LLM keys are masked.\n";
  for (const std::string& warning : config.warnings) CommentLines(out, "warning: " + warning);
  YAML::Emitter emitter;
  emitter << root;
  out << emitter.c_str() << "\n";
  return out.str();
}

}  // namespace mv
