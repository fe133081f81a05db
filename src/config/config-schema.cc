#include "config/config-schema.h"

#include <climits>
#include <set>

#include "config/config-suggest.h"
#include "config/config-value.h"

namespace mv {
namespace {

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

LlmEndpoint ReadEndpoint(const YAML::Node& node, const std::string& subkey) {
  LlmEndpoint endpoint;
  if (node.IsScalar()) {  // a bare URL
    endpoint.url = node.Scalar();
    return endpoint;
  }
  if (!node.IsMap()) {
    throw ConfigValueError(ConfigValueError::Kind::kBadValue,
                           "expected {url, key, model} or a URL, got " + DescribeNode(node), subkey,
                           node.Mark());
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    std::string* target = name == "url"     ? &endpoint.url
                          : name == "key"   ? &endpoint.key
                          : name == "model" ? &endpoint.model
                                            : nullptr;
    if (target == nullptr) {
      const std::string near = SuggestKey(name, {"url", "key", "model"});
      throw ConfigValueError(ConfigValueError::Kind::kUnknownKey,
                             near.empty() ? "" : subkey + "." + near, subkey + "." + name,
                             kv.first.Mark());
    }
    if (kv.second.IsNull()) continue;  // "key:" left empty
    *target = Nested(subkey + "." + name, kv.second, [&] { return ReadString(kv.second); });
  }
  return endpoint;
}

std::vector<LlmEndpoint> ReadEndpoints(const YAML::Node& node) {
  if (node.IsScalar()) return {ReadEndpoint(node, "[0]")};
  if (!node.IsSequence()) {
    throw ConfigValueError("expected a list of {url, key, model}, got " + DescribeNode(node));
  }
  std::vector<LlmEndpoint> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(ReadEndpoint(node[i], "[" + std::to_string(i) + "]"));
  }
  return out;
}

RefAudio ReadRefAudio(const YAML::Node& node, const std::string& subkey) {
  const auto fail = [&] {
    throw ConfigValueError(ConfigValueError::Kind::kBadValue,
                           "expected [wav_path, transcript], got " + DescribeNode(node), subkey,
                           node.Mark());
  };
  RefAudio ref;
  if (node.IsScalar()) {
    ref.wav_path = node.Scalar();
  } else if (node.IsSequence()) {
    if (node.size() < 1 || node.size() > 2 || !node[0].IsScalar()) fail();
    ref.wav_path = node[0].Scalar();
    if (node.size() == 2 && !node[1].IsNull()) {
      if (!node[1].IsScalar()) fail();
      ref.transcript = node[1].Scalar();
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string name = kv.first.Scalar();
      if (name != "wav_path" && name != "transcript") {
        const std::string near = SuggestKey(name, {"wav_path", "transcript"});
        throw ConfigValueError(ConfigValueError::Kind::kUnknownKey,
                               near.empty() ? "" : subkey + "." + near, subkey + "." + name,
                               kv.first.Mark());
      }
      if (kv.second.IsNull()) continue;
      (name == "wav_path" ? ref.wav_path : ref.transcript) =
          Nested(subkey + "." + name, kv.second, [&] { return ReadString(kv.second); });
    }
  } else {
    fail();
  }
  if (ref.wav_path.empty()) fail();
  return ref;
}

std::map<std::string, RefAudio> ReadRefAudioMap(const YAML::Node& node) {
  if (!node.IsMap()) {
    throw ConfigValueError("expected a map of tag: [wav_path, transcript], got " +
                           DescribeNode(node));
  }
  std::map<std::string, RefAudio> out;
  for (const auto& kv : node) {
    const std::string tag = kv.first.Scalar();
    out[tag] = ReadRefAudio(kv.second, "." + tag);
  }
  return out;
}

std::vector<ConfigField> MakeFields() {
  std::vector<ConfigField> f;
  // server
  f.push_back(String(
      "server.host", [](auto& c) -> auto& { return c.server.host; }));
  f.push_back(Int(
      "server.port", [](auto& c) -> auto& { return c.server.port; }, 1, 65535));
  f.push_back(Int(
      "server.io_threads", [](auto& c) -> auto& { return c.server.io_threads; }, 1, 1024));
  f.push_back(Int(
      "server.compute_threads", [](auto& c) -> auto& { return c.server.compute_threads; }, 0,
      1024));
  f.push_back(Size(
      "server.max_body_bytes", [](auto& c) -> auto& { return c.server.max_body_bytes; }));
  f.push_back(Int(
      "server.idle_timeout_s", [](auto& c) -> auto& { return c.server.idle_timeout_s; }, 1, 86400));
  // audio
  f.push_back(Size(
      "audio.max_bytes", [](auto& c) -> auto& { return c.audio.max_bytes; }));
  f.push_back(Double(
      "audio.max_seconds", [](auto& c) -> auto& { return c.audio.max_seconds; }));
  // asr
  f.push_back(String(
      "asr.engine", [](auto& c) -> auto& { return c.asr.engine; }));
  f.push_back(String(
      "asr.language", [](auto& c) -> auto& { return c.asr.language; }));
  f.push_back(Int(
      "asr.pool_size", [](auto& c) -> auto& { return c.asr.pool_size; }));
  f.push_back(String(
      "asr.model_dir", [](auto& c) -> auto& { return c.asr.model_dir; }));
  // tts
  f.push_back(String(
      "tts.engine", [](auto& c) -> auto& { return c.tts.engine; }));
  f.push_back(String(
      "tts.language", [](auto& c) -> auto& { return c.tts.language; }));
  f.push_back(String(
      "tts.voice", [](auto& c) -> auto& { return c.tts.voice; }));
  f.push_back(Int(
      "tts.parallelism", [](auto& c) -> auto& { return c.tts.parallelism; }));
  f.push_back({"tts.extra_ref_audio", Shape::kMap,
               [](Config& c, const YAML::Node& n) { c.tts.extra_ref_audio = ReadRefAudioMap(n); },
               [](const Config& c) {
                 YAML::Node out(YAML::NodeType::Map);
                 for (const auto& [tag, ref] : c.tts.extra_ref_audio) {
                   YAML::Node pair(YAML::NodeType::Sequence);
                   pair.push_back(ref.wav_path);
                   pair.push_back(ref.transcript);
                   pair.SetStyle(YAML::EmitterStyle::Flow);
                   out[tag] = pair;
                 }
                 return out;
               }});
  f.push_back(String(
      "tts.gpt_sovits.text_lang", [](auto& c) -> auto& { return c.tts.gpt_sovits.text_lang; }));
  f.push_back(String(
      "tts.gpt_sovits.gpt_weight", [](auto& c) -> auto& { return c.tts.gpt_sovits.gpt_weight; }));
  f.push_back(String(
      "tts.gpt_sovits.sovits_weight",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.sovits_weight; }));
  f.push_back(String(
      "tts.gpt_sovits.ref_audio_path",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.ref_audio_path; }));
  f.push_back(String(
      "tts.gpt_sovits.prompt_text", [](auto& c) -> auto& { return c.tts.gpt_sovits.prompt_text; }));
  f.push_back(String(
      "tts.gpt_sovits.prompt_lang", [](auto& c) -> auto& { return c.tts.gpt_sovits.prompt_lang; }));
  f.push_back(StringList(
      "tts.gpt_sovits.aux_ref_audio_paths",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.aux_ref_audio_paths; }));
  f.push_back(Int(
      "tts.gpt_sovits.seed", [](auto& c) -> auto& { return c.tts.gpt_sovits.seed; }));
  f.push_back(Int(
      "tts.gpt_sovits.top_k", [](auto& c) -> auto& { return c.tts.gpt_sovits.top_k; }));
  f.push_back(Int(
      "tts.gpt_sovits.batch_size", [](auto& c) -> auto& { return c.tts.gpt_sovits.batch_size; }));
  // llm
  f.push_back({"llm.endpoints", Shape::kList,
               [](Config& c, const YAML::Node& n) { c.llm.endpoints = ReadEndpoints(n); },
               [](const Config& c) {
                 YAML::Node out(YAML::NodeType::Sequence);
                 for (const LlmEndpoint& e : c.llm.endpoints) {
                   YAML::Node item(YAML::NodeType::Map);
                   item["url"] = e.url;
                   item["key"] = e.key;
                   item["model"] = e.model;
                   out.push_back(item);
                 }
                 return out;
               }});
  f.push_back(String(
      "llm.system_prompt", [](auto& c) -> auto& { return c.llm.system_prompt; }));
  f.push_back(Double(
      "llm.temperature", [](auto& c) -> auto& { return c.llm.temperature; }));
  f.push_back(Int(
      "llm.max_tokens", [](auto& c) -> auto& { return c.llm.max_tokens; }, 1, 1 << 20));
  f.push_back(Int(
      "llm.first_token_timeout_ms", [](auto& c) -> auto& { return c.llm.first_token_timeout_ms; },
      1, 600000));
  f.push_back(Int(
      "llm.cooldown_ms", [](auto& c) -> auto& { return c.llm.cooldown_ms; }, 0, 3600000));
  // voiceprint
  f.push_back(Bool(
      "voiceprint.enabled", [](auto& c) -> auto& { return c.voiceprint.enabled; }));
  f.push_back(Double(
      "voiceprint.threshold", [](auto& c) -> auto& { return c.voiceprint.threshold; }));
  f.push_back(StringList(
      "voiceprint.owners", [](auto& c) -> auto& { return c.voiceprint.owners; }));
  f.push_back(String(
      "voiceprint.engine", [](auto& c) -> auto& { return c.voiceprint.encoder.engine; }));
  f.push_back(String(
      "voiceprint.url", [](auto& c) -> auto& { return c.voiceprint.encoder.url; }));
  f.push_back(Int(
      "voiceprint.timeout_ms", [](auto& c) -> auto& { return c.voiceprint.encoder.timeout_ms; }, 1,
      600000));
  f.push_back(Double(
      "voiceprint.min_speech_seconds",
      [](auto& c) -> auto& { return c.voiceprint.encoder.min_speech_seconds; }));
  f.push_back(Bool(
      "voiceprint.identify", [](auto& c) -> auto& { return c.voiceprint.identify; }));
  f.push_back(String(
      "voiceprint.prompt_template", [](auto& c) -> auto& { return c.voiceprint.prompt_template; }));
  // library
  f.push_back(String(
      "library.dir", [](auto& c) -> auto& { return c.library.dir; }));
  f.push_back(Int(
      "library.max_voices", [](auto& c) -> auto& { return c.library.max_voices; }, 1, 100000));
  f.push_back(Size(
      "library.max_upload_bytes", [](auto& c) -> auto& { return c.library.max_upload_bytes; }));
  f.push_back(Double(
      "library.max_upload_seconds", [](auto& c) -> auto& { return c.library.max_upload_seconds; }));
  // pipeline
  f.push_back(Bool(
      "pipeline.speak_only_quoted", [](auto& c) -> auto& { return c.pipeline.speak_only_quoted; }));
  f.push_back(Bool(
      "pipeline.drop_parentheses", [](auto& c) -> auto& { return c.pipeline.drop_parentheses; }));
  f.push_back(Bool(
      "pipeline.drop_urls", [](auto& c) -> auto& { return c.pipeline.drop_urls; }));
  f.push_back(Bool(
      "pipeline.early_first_segment",
      [](auto& c) -> auto& { return c.pipeline.early_first_segment; }));
  f.push_back(Int(
      "pipeline.first_min_chars", [](auto& c) -> auto& { return c.pipeline.first_min_chars; }, 1,
      1000));
  f.push_back(Int(
      "pipeline.min_chars", [](auto& c) -> auto& { return c.pipeline.min_chars; }, 1, 1000));
  f.push_back(Int(
      "pipeline.max_chars", [](auto& c) -> auto& { return c.pipeline.max_chars; }, 1, 10000));
  f.push_back(Int(
      "pipeline.output_sample_rate", [](auto& c) -> auto& { return c.pipeline.output_sample_rate; },
      8000, 48000));
  return f;
}

std::vector<std::string> MakeGroups() {
  std::set<std::string> groups;
  for (const ConfigField& field : ConfigFields()) {
    for (std::size_t dot = field.path.find('.'); dot != std::string::npos;
         dot = field.path.find('.', dot + 1)) {
      groups.insert(field.path.substr(0, dot));
    }
  }
  return {groups.begin(), groups.end()};
}

}  // namespace

const std::vector<ConfigField>& ConfigFields() {
  static const std::vector<ConfigField> fields = MakeFields();
  return fields;
}

const ConfigField* FindConfigField(std::string_view path) {
  for (const ConfigField& field : ConfigFields()) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

bool IsConfigGroup(std::string_view path) {
  static const std::vector<std::string> groups = MakeGroups();
  for (const std::string& g : groups) {
    if (g == path) return true;
  }
  return false;
}

const std::vector<std::string>& ConfigKeyNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = MakeGroups();
    for (const ConfigField& field : ConfigFields()) out.push_back(field.path);
    return out;
  }();
  return names;
}

LlmEndpoint& EndpointAt(Config& config, std::size_t index) {
  if (config.llm.endpoints.size() <= index) config.llm.endpoints.resize(index + 1);
  return config.llm.endpoints[index];
}

}  // namespace mv
