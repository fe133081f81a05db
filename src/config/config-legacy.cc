#include "config/config-legacy.h"

#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>

#include "common/error.h"
#include "config/config-schema.h"
#include "config/config-suggest.h"

namespace mv {
namespace {

// What a setter knows beyond the value: the config file's folder, which
// the original's relative paths are relative to (it ran from there).
struct LegacyContext {
  std::filesystem::path base_dir;  // empty: not from a file
  // Agent.*, gathered while walking the section, composed at its end.
  struct Agent {
    bool is_up = false;
    std::string char_name, user, char_settings, char_personalities, mask, message_example, prompt;
    std::vector<std::string> start_with;
  } agent;
  std::vector<std::string> unsupported;  // keys to report in one warning
};

using Setter = std::function<void(Config&, const YAML::Node&, LegacyContext&)>;

struct LegacyKey {
  std::string path;
  Setter set;
};

Setter To(const char* mirrorvox_path) {
  const ConfigField* field = FindConfigField(mirrorvox_path);
  if (field == nullptr) throw std::logic_error(std::string("no config key ") + mirrorvox_path);
  return [set = field->set](Config& c, const YAML::Node& n, LegacyContext&) { set(c, n); };
}

// Plain setters that need no context.
Setter Plain(std::function<void(Config&, const YAML::Node&)> f) {
  return [f = std::move(f)](Config& c, const YAML::Node& n, LegacyContext&) { f(c, n); };
}

// A file mirrorvox reads itself: relative to the config file's folder.
std::string LocalPath(const std::string& path, const LegacyContext& ctx) {
  if (path.empty() || ctx.base_dir.empty() || std::filesystem::path(path).is_absolute())
    return path;
  return (ctx.base_dir / path).lexically_normal().string();
}

// A reference clip: a file next to the config is that file (mirrorvox reads
// it to stage or transcribe it); otherwise it stays a path on the TTS host,
// as the original sent it to its api_v2 server.
std::string ReferencePath(const std::string& path, const LegacyContext& ctx) {
  const std::string local = LocalPath(path, ctx);
  std::error_code ec;
  return local != path && std::filesystem::is_regular_file(local, ec) ? local : path;
}

// GPT-SoVITS language codes ("all_zh", "yue", "auto") as a language tag for
// the embedded engines; "" for auto.
std::string LanguageOf(std::string lang) {
  if (lang.rfind("all_", 0) == 0) lang = lang.substr(4);
  if (lang == "auto" || lang == "auto_yue") return "";
  return lang;
}

const std::vector<LegacyKey>& LegacyKeys() {
  static const std::vector<LegacyKey> keys = {
      {"Core.sv.is_up", To("voiceprint.enabled")},
      {"Core.sv.master_audio",
       [](Config& c, const YAML::Node& n, LegacyContext& ctx) {
         std::string path = LocalPath(ReadString(n), ctx);
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
      {"LLM.api",
       Plain([](Config& c, const YAML::Node& n) { EndpointAt(c, 0).url = ReadString(n); })},
      {"LLM.key",
       Plain([](Config& c, const YAML::Node& n) { EndpointAt(c, 0).key = ReadString(n); })},
      {"LLM.model",
       Plain([](Config& c, const YAML::Node& n) { EndpointAt(c, 0).model = ReadString(n); })},
      // Any keys, passed into the chat request verbatim as the original did.
      {"LLM.extra_config", Plain([](Config& c, const YAML::Node& n) {
         if (!n.IsMap())
           throw ConfigValueError("expected a map of request fields, got " + DescribeNode(n));
         for (const auto& kv : n) {
           const std::string key = kv.first.Scalar();
           if (key == "messages" || key == "stream" || key == "model") continue;  // ours
           c.llm.extra_body[key] = ReadJson(kv.second);
         }
       })},
      // The original's GPT-SoVITS URL (".../tts"). Naming it is what selects
      // the gpt-sovits engine: a GSV section without it keeps the embedded
      // voices, so an old config never points at a server nobody runs.
      {"GSV.api", Plain([](Config& c, const YAML::Node& n) {
         std::string url = ReadString(n);
         while (!url.empty() && url.back() == '/') url.pop_back();
         if (url.ends_with("/tts")) url.resize(url.size() - 4);
         if (url.empty()) return;
         c.tts.engine = "gpt-sovits";
         c.tts.remote.endpoints = {RemoteEndpointConfig{url, 1}};
       })},
      // Also the embedded engines' language (espeak-ng speaks Mandarin;
      // flite only English) when no GPT-SoVITS server is named.
      {"GSV.text_lang", Plain([](Config& c, const YAML::Node& n) {
         c.tts.gpt_sovits.text_lang = ReadString(n);
         if (std::string lang = LanguageOf(c.tts.gpt_sovits.text_lang); !lang.empty())
           c.tts.language = lang;
       })},
      {"GSV.GPT_weight", To("tts.gpt_sovits.gpt_weight")},
      {"GSV.SoVITS_weight", To("tts.gpt_sovits.sovits_weight")},
      {"GSV.ref_audio_path",
       [](Config& c, const YAML::Node& n, LegacyContext& ctx) {
         c.tts.gpt_sovits.ref_audio_path = ReferencePath(ReadString(n), ctx);
       }},
      {"GSV.prompt_text", To("tts.gpt_sovits.prompt_text")},
      {"GSV.prompt_lang", To("tts.gpt_sovits.prompt_lang")},
      {"GSV.aux_ref_audio_paths",
       [](Config& c, const YAML::Node& n, LegacyContext& ctx) {
         c.tts.gpt_sovits.aux_ref_audio_paths.clear();
         for (const std::string& p : ReadStringList(n))
           c.tts.gpt_sovits.aux_ref_audio_paths.push_back(ReferencePath(p, ctx));
       }},
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
      {"extra_ref_audio",
       [set = To("tts.extra_ref_audio")](Config& c, const YAML::Node& n, LegacyContext& ctx) {
         set(c, n, ctx);
         for (auto& [tag, ref] : c.tts.extra_ref_audio)
           ref.wav_path = ReferencePath(ref.wav_path, ctx);
       }},
      // Agent (0.99): the persona prompt; the rest is reported once.
      {"Agent.is_up",
       [](Config&, const YAML::Node& n, LegacyContext& x) { x.agent.is_up = ReadBool(n); }},
      {"Agent.char",
       [](Config&, const YAML::Node& n, LegacyContext& x) { x.agent.char_name = ReadString(n); }},
      {"Agent.user",
       [](Config&, const YAML::Node& n, LegacyContext& x) { x.agent.user = ReadString(n); }},
      {"Agent.char_settings", [](Config&, const YAML::Node& n,
                                 LegacyContext& x) { x.agent.char_settings = ReadString(n); }},
      {"Agent.char_personalities",
       [](Config&, const YAML::Node& n,
          LegacyContext& x) { x.agent.char_personalities = ReadString(n); }},
      {"Agent.mask",
       [](Config&, const YAML::Node& n, LegacyContext& x) { x.agent.mask = ReadString(n); }},
      {"Agent.message_example", [](Config&, const YAML::Node& n,
                                   LegacyContext& x) { x.agent.message_example = ReadString(n); }},
      {"Agent.prompt",
       [](Config&, const YAML::Node& n, LegacyContext& x) { x.agent.prompt = ReadString(n); }},
      {"Agent.start_with", [](Config&, const YAML::Node& n,
                              LegacyContext& x) { x.agent.start_with = ReadStringList(n); }},
  };
  return keys;
}

// Sections of later versions of the original that mirrorvox does not
// support (yet): reported once, never an error.
const std::vector<std::string>& IgnoredSections() {
  static const std::vector<std::string> names = {"LLM2", "SLM"};
  return names;
}

// Keys of supported sections whose feature mirrorvox lacks: one warning per
// section, naming them, instead of one per key.
bool Unsupported(std::string_view path) {
  return path.rfind("Agent.", 0) == 0 || path == "Core.tt";
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
          const ConfigOrigin& origin, LegacyContext& ctx) {
  if (const LegacyKey* key = FindLegacyKey(path)) {
    if (node.IsNull()) return;  // "thr:" left empty keeps the default
    ApplyValue(path, node, origin, [&] { key->set(config, node, ctx); });
    return;
  }
  if (Unsupported(path)) {
    ctx.unsupported.push_back(path.substr(path.find('.') + 1));
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
      Walk(child, kv.second, config, origin, ctx);
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

std::string Fill(std::string text, const LegacyContext::Agent& a) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"{{user}}", a.user},
                                 std::pair<std::string, std::string>{"{{char}}", a.char_name}}) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

// The persona as one system prompt, in the original's order: who speaks to
// whom, the character, its personality, the user's mask, the free prompt,
// the style example, then the start_with lines.
std::string AgentPrompt(const LegacyContext::Agent& a) {
  std::vector<std::string> parts;
  if (!a.char_name.empty())
    parts.push_back("You are " + a.char_name +
                    (a.user.empty() ? "." : ", talking with " + a.user + "."));
  auto add = [&](const std::string& label, const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
    parts.push_back(label.empty() ? Fill(text, a) : label + ":\n" + Fill(text, a));
  };
  add(a.char_name.empty() ? "Character" : a.char_name + "'s character", a.char_settings);
  add(a.char_name.empty() ? "Personality" : a.char_name + "'s personality", a.char_personalities);
  add(a.user.empty() ? "About the user" : "About " + a.user, a.mask);
  add("", a.prompt);
  add("Example of the speaking style", a.message_example);
  for (const std::string& line : a.start_with) add("", line);
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "\n\n") + p;
  return out;
}

bool HasKey(const YAML::Node& root, const char* section, const char* key) {
  if (!root.IsMap()) return false;
  const YAML::Node s = root[section];
  if (!s || !s.IsMap()) return false;
  if (key == nullptr) return true;
  const YAML::Node v = s[key];
  return v && !v.IsNull() && !(v.IsScalar() && v.Scalar().empty());
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

LegacyGeneration DetectLegacyGeneration(const YAML::Node& root) {
  bool any = false;
  for (const std::string& name : LegacySectionNames()) any = any || (root.IsMap() && root[name]);
  if (!any) return LegacyGeneration::kNone;
  return HasKey(root, "GSV", "api") || HasKey(root, "Agent", nullptr) ? LegacyGeneration::k099
                                                                      : LegacyGeneration::k01;
}

void ApplyLegacyDefaults(LegacyGeneration generation, Config& config) {
  switch (generation) {
    case LegacyGeneration::kNone:
      return;
    case LegacyGeneration::k01:  // speaks only "quoted" text; refuses with "None"
      config.voiceprint.reject_body = "None";
      config.pipeline.speak_only_quoted = true;
      return;
    case LegacyGeneration::k099:  // speaks all but (bracketed) text; refuses with null
      config.voiceprint.reject_body = "null";
      config.pipeline.speak_only_quoted = false;
      config.pipeline.drop_parentheses = true;
      return;
  }
}

void ApplyLegacySection(const std::string& name, const YAML::Node& node, Config& config,
                        const ConfigOrigin& origin) {
  for (const std::string& ignored : IgnoredSections()) {
    if (name != ignored) continue;
    Warn(config, "config: section '" + name + "' of the original config.yaml is not supported " +
                     "by mirrorvox; ignored" + DescribeOrigin(origin, node.Mark()));
    return;
  }
  LegacyContext ctx;
  if (origin.is_file && !origin.label.empty())
    ctx.base_dir = std::filesystem::absolute(origin.label).parent_path();
  const bool had_endpoint = !config.llm.endpoints.empty();
  Walk(name, node, config, origin, ctx);
  // "api:" left empty next to a key or model: the original could not chat
  // either; configure no endpoint rather than fail on an empty URL.
  if (name == "LLM" && !had_endpoint && !config.llm.endpoints.empty() &&
      config.llm.endpoints[0].url.empty()) {
    config.llm.endpoints.clear();
    Warn(config, "config: LLM.api is empty, so no LLM endpoint is configured" +
                     DescribeOrigin(origin, node.Mark()));
  }
  if (name == "Agent" && ctx.agent.is_up) {
    const std::string prompt = AgentPrompt(ctx.agent);
    if (!prompt.empty()) config.llm.system_prompt = prompt;
  }
  if (!ctx.unsupported.empty()) {
    std::string keys;
    for (const std::string& k : ctx.unsupported) keys += (keys.empty() ? "" : ", ") + k;
    Warn(config, "config: " + name + " keys of the original config.yaml that mirrorvox does " +
                     "not support yet (ignored): " + keys + DescribeOrigin(origin, node.Mark()));
  }
}

}  // namespace mv
