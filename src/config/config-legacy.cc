#include "config/config-legacy.h"

#include <functional>
#include <set>
#include <stdexcept>

#include "common/error.h"
#include "config/config-schema.h"
#include "config/config-suggest.h"

namespace mv {
namespace {

using Setter = std::function<void(Config&, const YAML::Node&)>;

struct LegacyKey {
  std::string path;
  Setter set;
};

Setter To(const char* mirrorvox_path) {
  const ConfigField* field = FindConfigField(mirrorvox_path);
  if (field == nullptr) throw std::logic_error(std::string("no config key ") + mirrorvox_path);
  return field->set;
}

const std::vector<LegacyKey>& LegacyKeys() {
  static const std::vector<LegacyKey> keys = {
      {"Core.sv.is_up", To("voiceprint.enabled")},
      {"Core.sv.master_audio",
       [](Config& c, const YAML::Node& n) {
         std::string path = ReadString(n);
         if (path.empty()) return;
         if (c.voiceprint.owners.empty()) {
           c.voiceprint.owners.push_back(std::move(path));
         } else {
           c.voiceprint.owners[0] = std::move(path);
         }
       }},
      {"Core.sv.thr", To("voiceprint.threshold")},
      // The original wants the full ".../v1/chat/completions" URL; the LLM
      // client accepts that as well as a base URL.
      {"LLM.api", [](Config& c, const YAML::Node& n) { EndpointAt(c, 0).url = ReadString(n); }},
      {"LLM.key", [](Config& c, const YAML::Node& n) { EndpointAt(c, 0).key = ReadString(n); }},
      {"LLM.model", [](Config& c, const YAML::Node& n) { EndpointAt(c, 0).model = ReadString(n); }},
      // Extra request parameters of the original; the two mirrorvox has.
      {"LLM.extra_config.temperature", To("llm.temperature")},
      {"LLM.extra_config.max_tokens", To("llm.max_tokens")},
      // The original's GPT-SoVITS URL (".../tts"). Naming it is what selects
      // the gpt-sovits engine: a GSV section without it keeps the embedded
      // voices, so an old config never points at a server nobody runs.
      {"GSV.api",
       [](Config& c, const YAML::Node& n) {
         std::string url = ReadString(n);
         while (!url.empty() && url.back() == '/') url.pop_back();
         if (url.ends_with("/tts")) url.resize(url.size() - 4);
         if (url.empty()) return;
         c.tts.engine = "gpt-sovits";
         c.tts.remote.endpoints = {RemoteEndpointConfig{url, 1}};
       }},
      {"GSV.text_lang", To("tts.gpt_sovits.text_lang")},
      {"GSV.GPT_weight", To("tts.gpt_sovits.gpt_weight")},
      {"GSV.SoVITS_weight", To("tts.gpt_sovits.sovits_weight")},
      {"GSV.ref_audio_path", To("tts.gpt_sovits.ref_audio_path")},
      {"GSV.prompt_text", To("tts.gpt_sovits.prompt_text")},
      {"GSV.prompt_lang", To("tts.gpt_sovits.prompt_lang")},
      {"GSV.aux_ref_audio_paths", To("tts.gpt_sovits.aux_ref_audio_paths")},
      {"GSV.seed", To("tts.gpt_sovits.seed")},
      {"GSV.top_k", To("tts.gpt_sovits.top_k")},
      {"GSV.batch_size", To("tts.gpt_sovits.batch_size")},
      // Extra api_v2 fields the original passed through as they were.
      {"GSV.ex_config.top_p", To("tts.gpt_sovits.top_p")},
      {"GSV.ex_config.temperature", To("tts.gpt_sovits.temperature")},
      {"GSV.ex_config.text_split_method", To("tts.gpt_sovits.text_split_method")},
      {"GSV.ex_config.batch_threshold", To("tts.gpt_sovits.batch_threshold")},
      {"GSV.ex_config.split_bucket", To("tts.gpt_sovits.split_bucket")},
      {"GSV.ex_config.speed_factor", To("tts.gpt_sovits.speed_factor")},
      {"GSV.ex_config.fragment_interval", To("tts.gpt_sovits.fragment_interval")},
      {"GSV.ex_config.streaming_mode", To("tts.gpt_sovits.streaming_mode")},
      {"GSV.ex_config.parallel_infer", To("tts.gpt_sovits.parallel_infer")},
      {"GSV.ex_config.repetition_penalty", To("tts.gpt_sovits.repetition_penalty")},
      {"GSV.ex_config.sample_steps", To("tts.gpt_sovits.sample_steps")},
      {"GSV.ex_config.super_sampling", To("tts.gpt_sovits.super_sampling")},
      {"extra_ref_audio", To("tts.extra_ref_audio")},
  };
  return keys;
}

// Sections of later versions of the original that mirrorvox has no use for.
const std::vector<std::string>& IgnoredSections() {
  static const std::vector<std::string> names = {"LLM2", "SLM", "Agent"};
  return names;
}

const LegacyKey* FindLegacyKey(std::string_view path) {
  for (const LegacyKey& key : LegacyKeys()) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

bool IsLegacyGroup(std::string_view path) {
  for (const LegacyKey& key : LegacyKeys()) {
    if (key.path.size() > path.size() && key.path.compare(0, path.size(), path) == 0 &&
        key.path[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::vector<std::string> LegacyKeyNames() {
  std::vector<std::string> names;
  for (const LegacyKey& key : LegacyKeys()) names.push_back(key.path);
  return names;
}

void Warn(Config& config, const std::string& message) { config.warnings.push_back(message); }

void Walk(const std::string& path, const YAML::Node& node, Config& config,
          const ConfigOrigin& origin) {
  if (const LegacyKey* key = FindLegacyKey(path)) {
    if (node.IsNull()) return;  // "thr:" left empty keeps the default
    ApplyValue(path, node, origin, [&] { key->set(config, node); });
    return;
  }
  if (IsLegacyGroup(path)) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      throw Error(ErrorKind::kInvalidInput, "bad_config",
                  "config: " + path + ": expected a map, got " + DescribeNode(node) +
                      DescribeOrigin(origin, node.Mark()));
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string child = path + "." + kv.first.Scalar();
      if (!seen.insert(child).second) {
        throw Error(
            ErrorKind::kInvalidInput, "bad_config",
            "config: duplicate key '" + child + "'" + DescribeOrigin(origin, kv.first.Mark()));
      }
      Walk(child, kv.second, config, origin);
    }
    return;
  }
  // Hints from the same section only: "GSV.api" is not a typo of "LLM.api".
  std::vector<std::string> siblings;
  const std::string section = path.substr(0, path.find('.'));
  for (const std::string& name : LegacyKeyNames()) {
    if (name.compare(0, section.size() + 1, section + ".") == 0) siblings.push_back(name);
  }
  const std::string near = SuggestKey(path, siblings);
  Warn(config, "config: '" + path + "' of the original config.yaml is not used by mirrorvox; " +
                   "ignored" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                   DescribeOrigin(origin, node.Mark()));
}

}  // namespace

const std::vector<std::string>& LegacySectionNames() {
  static const std::vector<std::string> names = [] {
    std::set<std::string> out(IgnoredSections().begin(), IgnoredSections().end());
    for (const LegacyKey& key : LegacyKeys()) out.insert(key.path.substr(0, key.path.find('.')));
    return std::vector<std::string>(out.begin(), out.end());
  }();
  return names;
}

bool IsLegacySection(std::string_view name) {
  for (const std::string& section : LegacySectionNames()) {
    if (section == name) return true;
  }
  return false;
}

void ApplyLegacySection(const std::string& name, const YAML::Node& node, Config& config,
                        const ConfigOrigin& origin) {
  for (const std::string& ignored : IgnoredSections()) {
    if (name != ignored) continue;
    Warn(config, "config: section '" + name + "' of the original config.yaml is not used by " +
                     "mirrorvox; ignored" + DescribeOrigin(origin, node.Mark()));
    return;
  }
  const bool had_endpoint = !config.llm.endpoints.empty();
  Walk(name, node, config, origin);
  // "api:" left empty next to a key or model: the original could not chat
  // either; configure no endpoint rather than fail on an empty URL.
  if (name == "LLM" && !had_endpoint && !config.llm.endpoints.empty() &&
      config.llm.endpoints[0].url.empty()) {
    config.llm.endpoints.clear();
    Warn(config, "config: LLM.api is empty, so no LLM endpoint is configured" +
                     DescribeOrigin(origin, node.Mark()));
  }
}

}  // namespace mv
