#include "config/config-schema.h"

#include <climits>
#include <set>

#include "config/config-field-makers.h"
#include "config/config-suggest.h"
#include "config/config-value.h"

namespace mv {
namespace {

using namespace config_fields;

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

// {url, max_concurrency} or a bare URL (remote engine endpoints).
RemoteEndpointConfig ReadRemoteEndpoint(const YAML::Node& node, const std::string& subkey) {
  RemoteEndpointConfig endpoint;
  if (node.IsScalar()) {
    endpoint.url = node.Scalar();
    return endpoint;
  }
  if (!node.IsMap()) {
    throw ConfigValueError(ConfigValueError::Kind::kBadValue,
                           "expected {url, max_concurrency} or a URL, got " + DescribeNode(node),
                           subkey, node.Mark());
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    if (name != "url" && name != "max_concurrency") {
      const std::string near = SuggestKey(name, {"url", "max_concurrency"});
      throw ConfigValueError(ConfigValueError::Kind::kUnknownKey,
                             near.empty() ? "" : subkey + "." + near, subkey + "." + name,
                             kv.first.Mark());
    }
    if (kv.second.IsNull()) continue;
    Nested(subkey + "." + name, kv.second, [&] {
      if (name == "url") {
        endpoint.url = ReadString(kv.second);
      } else {
        endpoint.max_concurrency = static_cast<int>(ReadInt(kv.second, 1, 1024));
      }
    });
  }
  return endpoint;
}

std::vector<RemoteEndpointConfig> ReadRemoteEndpoints(const YAML::Node& node) {
  if (node.IsScalar()) return {ReadRemoteEndpoint(node, "[0]")};
  if (!node.IsSequence()) {
    throw ConfigValueError("expected a list of URLs or {url, max_concurrency}, got " +
                           DescribeNode(node));
  }
  std::vector<RemoteEndpointConfig> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(ReadRemoteEndpoint(node[i], "[" + std::to_string(i) + "]"));
  }
  return out;
}

YAML::Node PrintRemoteEndpoints(const std::vector<RemoteEndpointConfig>& endpoints) {
  YAML::Node out(YAML::NodeType::Sequence);
  for (const RemoteEndpointConfig& e : endpoints) {
    YAML::Node item(YAML::NodeType::Map);
    item["url"] = e.url;
    item["max_concurrency"] = e.max_concurrency;
    out.push_back(item);
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
  f.push_back(Int(
      "server.shutdown_grace_ms", [](auto& c) -> auto& { return c.server.shutdown_grace_ms; }, 0,
      600000));
  f.push_back(Int(
      "server.max_queued_audio_ms", [](auto& c) -> auto& { return c.server.max_queued_audio_ms; },
      100, 600000));
  f.push_back(String(
      "server.tls.cert", [](auto& c) -> auto& { return c.server.tls_cert; }));
  f.push_back(String(
      "server.tls.key", [](auto& c) -> auto& { return c.server.tls_key; }));
  f.push_back(Bool(
      "server.tls.self_signed", [](auto& c) -> auto& { return c.server.tls_self_signed; }));
  f.push_back(String(
      "server.auth.mode", [](auto& c) -> auto& { return c.server.auth.mode; }));
  f.push_back(String(
      "server.auth.keys_file", [](auto& c) -> auto& { return c.server.auth.keys_file; }));
  f.push_back(String(
      "server.auth.legacy_routes", [](auto& c) -> auto& { return c.server.auth.legacy_routes; }));
  f.push_back(StringList(
      "server.cors_origins", [](auto& c) -> auto& { return c.server.cors_origins; }));
  // audio
  f.push_back(Size(
      "audio.max_bytes", [](auto& c) -> auto& { return c.audio.max_bytes; }));
  f.push_back(Double(
      "audio.max_seconds", [](auto& c) -> auto& { return c.audio.max_seconds; }));
  f.push_back(Int(
      "audio.min_sample_rate", [](auto& c) -> auto& { return c.audio.min_sample_rate; }, 1000,
      768000));
  f.push_back(Int(
      "audio.max_sample_rate", [](auto& c) -> auto& { return c.audio.max_sample_rate; }, 1000,
      768000));
  // asr
  f.push_back(String(
      "asr.engine", [](auto& c) -> auto& { return c.asr.engine; }));
  f.push_back(String(
      "asr.language", [](auto& c) -> auto& { return c.asr.language; }));
  f.push_back(Int(
      "asr.pool_size", [](auto& c) -> auto& { return c.asr.pool_size; }));
  f.push_back(Bool(
      "asr.streaming", [](auto& c) -> auto& { return c.asr.streaming; }));
  f.push_back(String(
      "asr.model_dir", [](auto& c) -> auto& { return c.asr.model_dir; }));
  // asr: the remote engines' servers (RemotePoolConfig) and options
  f.push_back({"asr.endpoints", Shape::kList,
               [](Config& c, const YAML::Node& n) { c.asr.remote.endpoints = ReadRemoteEndpoints(n); },
               [](const Config& c) { return PrintRemoteEndpoints(c.asr.remote.endpoints); }});
  f.push_back(Int(
      "asr.connect_timeout_ms", [](auto& c) -> auto& { return c.asr.remote.connect_timeout_ms; }));
  f.push_back(Int(
      "asr.first_byte_timeout_ms",
      [](auto& c) -> auto& { return c.asr.remote.first_byte_timeout_ms; }));
  f.push_back(Int(
      "asr.idle_timeout_ms", [](auto& c) -> auto& { return c.asr.remote.idle_timeout_ms; }));
  f.push_back(Int(
      "asr.queue_timeout_ms", [](auto& c) -> auto& { return c.asr.remote.queue_timeout_ms; }));
  f.push_back(Int(
      "asr.cooldown_ms", [](auto& c) -> auto& { return c.asr.remote.cooldown_ms; }));
  f.push_back(Int(
      "asr.failures_before_cooldown",
      [](auto& c) -> auto& { return c.asr.remote.failures_before_cooldown; }));
  f.push_back(Bool(
      "asr.verify_tls", [](auto& c) -> auto& { return c.asr.verify_tls; }));
  f.push_back(String(
      "asr.funasr.mode", [](auto& c) -> auto& { return c.asr.funasr.mode; }));
  f.push_back(IntList(
      "asr.funasr.chunk_size", [](auto& c) -> auto& { return c.asr.funasr.chunk_size; }));
  f.push_back(Int(
      "asr.funasr.chunk_interval", [](auto& c) -> auto& { return c.asr.funasr.chunk_interval; }));
  f.push_back(String(
      "asr.funasr.hotwords", [](auto& c) -> auto& { return c.asr.funasr.hotwords; }));
  f.push_back(Bool(
      "asr.funasr.itn", [](auto& c) -> auto& { return c.asr.funasr.itn; }));
  f.push_back(Int(
      "asr.wenet.nbest", [](auto& c) -> auto& { return c.asr.wenet.nbest; }));
  f.push_back(Bool(
      "asr.wenet.continuous_decoding",
      [](auto& c) -> auto& { return c.asr.wenet.continuous_decoding; }));
  f.push_back(String(
      "asr.openai.model", [](auto& c) -> auto& { return c.asr.openai.model; }));
  f.push_back(String(
      "asr.openai.key", [](auto& c) -> auto& { return c.asr.openai.key; }));
  f.push_back(String(
      "asr.openai.prompt", [](auto& c) -> auto& { return c.asr.openai.prompt; }));
  f.push_back(Double(
      "asr.whisper_server.temperature",
      [](auto& c) -> auto& { return c.asr.whisper_server.temperature; }));
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
  f.push_back(Double(
      "tts.gpt_sovits.top_p", [](auto& c) -> auto& { return c.tts.gpt_sovits.top_p; }));
  f.push_back(Double(
      "tts.gpt_sovits.temperature", [](auto& c) -> auto& { return c.tts.gpt_sovits.temperature; }));
  f.push_back(String(
      "tts.gpt_sovits.text_split_method",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.text_split_method; }));
  f.push_back(Double(
      "tts.gpt_sovits.batch_threshold",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.batch_threshold; }));
  f.push_back(Bool(
      "tts.gpt_sovits.split_bucket", [](auto& c) -> auto& { return c.tts.gpt_sovits.split_bucket; }));
  f.push_back(Double(
      "tts.gpt_sovits.speed_factor", [](auto& c) -> auto& { return c.tts.gpt_sovits.speed_factor; }));
  f.push_back(Double(
      "tts.gpt_sovits.fragment_interval",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.fragment_interval; }));
  f.push_back(String(
      "tts.gpt_sovits.streaming_mode",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.streaming_mode; }));
  f.push_back(Bool(
      "tts.gpt_sovits.parallel_infer",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.parallel_infer; }));
  f.push_back(Double(
      "tts.gpt_sovits.repetition_penalty",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.repetition_penalty; }));
  f.push_back(Int(
      "tts.gpt_sovits.sample_steps", [](auto& c) -> auto& { return c.tts.gpt_sovits.sample_steps; }));
  f.push_back(Bool(
      "tts.gpt_sovits.super_sampling",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.super_sampling; }));
  f.push_back(String(
      "tts.gpt_sovits.share_dir", [](auto& c) -> auto& { return c.tts.gpt_sovits.share_dir; }));
  f.push_back(String(
      "tts.gpt_sovits.share_dir_remote",
      [](auto& c) -> auto& { return c.tts.gpt_sovits.share_dir_remote; }));
  f.push_back(String(
      "tts.xtts.server", [](auto& c) -> auto& { return c.tts.xtts.server; }));
  f.push_back(String(
      "tts.xtts.speaker", [](auto& c) -> auto& { return c.tts.xtts.speaker; }));
  f.push_back(Bool(
      "tts.xtts.stream", [](auto& c) -> auto& { return c.tts.xtts.stream; }));
  f.push_back(Int(
      "tts.xtts.stream_chunk_size", [](auto& c) -> auto& { return c.tts.xtts.stream_chunk_size; }));
  f.push_back(String(
      "tts.xtts.share_dir", [](auto& c) -> auto& { return c.tts.xtts.share_dir; }));
  f.push_back(String(
      "tts.xtts.share_dir_remote", [](auto& c) -> auto& { return c.tts.xtts.share_dir_remote; }));
  f.push_back(String(
      "tts.openai_speech.model", [](auto& c) -> auto& { return c.tts.openai_speech.model; }));
  f.push_back(String(
      "tts.openai_speech.key", [](auto& c) -> auto& { return c.tts.openai_speech.key; }));
  f.push_back(String(
      "tts.openai_speech.response_format",
      [](auto& c) -> auto& { return c.tts.openai_speech.response_format; }));
  f.push_back(Double(
      "tts.openai_speech.speed", [](auto& c) -> auto& { return c.tts.openai_speech.speed; }));
  f.push_back(Int(
      "tts.openai_speech.pcm_sample_rate",
      [](auto& c) -> auto& { return c.tts.openai_speech.pcm_sample_rate; }));
  // tts: the remote engines' servers (RemotePoolConfig)
  f.push_back({"tts.endpoints", Shape::kList,
               [](Config& c, const YAML::Node& n) { c.tts.remote.endpoints = ReadRemoteEndpoints(n); },
               [](const Config& c) { return PrintRemoteEndpoints(c.tts.remote.endpoints); }});
  f.push_back(Int(
      "tts.connect_timeout_ms", [](auto& c) -> auto& { return c.tts.remote.connect_timeout_ms; }));
  f.push_back(Int(
      "tts.first_byte_timeout_ms",
      [](auto& c) -> auto& { return c.tts.remote.first_byte_timeout_ms; }));
  f.push_back(Int(
      "tts.idle_timeout_ms", [](auto& c) -> auto& { return c.tts.remote.idle_timeout_ms; }));
  f.push_back(Int(
      "tts.queue_timeout_ms", [](auto& c) -> auto& { return c.tts.remote.queue_timeout_ms; }));
  f.push_back(Int(
      "tts.cooldown_ms", [](auto& c) -> auto& { return c.tts.remote.cooldown_ms; }));
  f.push_back(Int(
      "tts.failures_before_cooldown",
      [](auto& c) -> auto& { return c.tts.remote.failures_before_cooldown; }));
  f.push_back(String(
      "tts.health_path", [](auto& c) -> auto& { return c.tts.remote.health_path; }));
  f.push_back(Int(
      "tts.health_interval_ms", [](auto& c) -> auto& { return c.tts.remote.health_interval_ms; }));
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
  // Unset (null) is not sent: the server's default applies.
  f.push_back({"llm.temperature", Shape::kScalar,
               [](Config& c, const YAML::Node& n) { c.llm.temperature = ReadDouble(n); },
               [](const Config& c) {
                 return c.llm.temperature ? YAML::Node(FormatDouble(*c.llm.temperature))
                                          : YAML::Node(YAML::NodeType::Null);
               }});
  f.push_back({"llm.max_tokens", Shape::kScalar,
               [](Config& c, const YAML::Node& n) {
                 c.llm.max_tokens = static_cast<int>(ReadInt(n, 1, 1 << 20));
               },
               [](const Config& c) {
                 return c.llm.max_tokens ? YAML::Node(*c.llm.max_tokens)
                                         : YAML::Node(YAML::NodeType::Null);
               }});
  f.push_back({"llm.extra_body", Shape::kMap,
               [](Config& c, const YAML::Node& n) {
                 if (!n.IsMap()) throw ConfigValueError("expected a map of request fields, got " +
                                                        DescribeNode(n));
                 for (const auto& kv : n) c.llm.extra_body[kv.first.Scalar()] = ReadJson(kv.second);
               },
               [](const Config& c) { return JsonToYaml(c.llm.extra_body); }});
  f.push_back(Int(
      "llm.first_token_timeout_ms", [](auto& c) -> auto& { return c.llm.first_token_timeout_ms; },
      1, 600000));
  f.push_back(Int(
      "llm.cooldown_ms", [](auto& c) -> auto& { return c.llm.cooldown_ms; }, 0, 3600000));
  f.push_back(Bool(
      "llm.discover", [](auto& c) -> auto& { return c.llm.discover; }));
  f.push_back(StringList(
      "llm.discover_urls", [](auto& c) -> auto& { return c.llm.discover_urls; }));
  f.push_back(Int(
      "llm.discover_interval_ms", [](auto& c) -> auto& { return c.llm.discover_interval_ms; },
      1000, 3600000));
  f.push_back(String(
      "llm.fallback", [](auto& c) -> auto& { return c.llm.fallback; }));
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
  f.push_back(String(
      "voiceprint.reject_body", [](auto& c) -> auto& { return c.voiceprint.reject_body; }));
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
  // realtime
  f.push_back(String(
      "realtime.vad_engine", [](auto& c) -> auto& { return c.realtime.vad_engine; }));
  f.push_back(Double(
      "realtime.vad_threshold", [](auto& c) -> auto& { return c.realtime.vad_threshold; }));
  f.push_back(Int(
      "realtime.prefix_padding_ms", [](auto& c) -> auto& { return c.realtime.prefix_padding_ms; },
      0, 5000));
  f.push_back(Int(
      "realtime.silence_duration_ms",
      [](auto& c) -> auto& { return c.realtime.silence_duration_ms; }, 100, 10000));
  f.push_back(String(
      "realtime.instructions", [](auto& c) -> auto& { return c.realtime.instructions; }));
  f.push_back(String(
      "realtime.voice", [](auto& c) -> auto& { return c.realtime.voice; }));
  f.push_back(Int(
      "realtime.max_sessions", [](auto& c) -> auto& { return c.realtime.max_sessions; }, 1,
      100000));
  f.push_back(Double(
      "realtime.max_turn_seconds", [](auto& c) -> auto& { return c.realtime.max_turn_seconds; }));
  AddToolsFields(f);
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
