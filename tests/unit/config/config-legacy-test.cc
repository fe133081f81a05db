#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "config-test-util.h"

namespace mv {
namespace {

using ::testing::Contains;
using testing::DataPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LoadError;
using testing::LoadText;
using ::testing::StartsWith;

bool AnyWarningHas(const Config& c, const std::string& text) {
  return std::any_of(c.warnings.begin(), c.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

TEST(ConfigLegacyTest, OriginalConfigMapsEveryKey) {
  const Config c = LoadConfig(DataPath("legacy-config.yaml"), {});
  // Core.sv
  EXPECT_TRUE(c.voiceprint.enabled);
  // Relative to the config file's folder, where the original ran.
  EXPECT_THAT(c.voiceprint.owners,
              ElementsAre(std::filesystem::path(DataPath("voice/master.wav")).lexically_normal().string()));
  EXPECT_DOUBLE_EQ(c.voiceprint.threshold, 0.62);
  // LLM
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].url, "http://192.168.1.20:11434/v1/chat/completions");
  EXPECT_EQ(c.llm.endpoints[0].key, "sk-test0123456789abcdefLAST");
  EXPECT_EQ(c.llm.endpoints[0].model, "qwen2.5:7b");
  // LLM.extra_config, verbatim; mirrorvox adds no temperature of its own.
  EXPECT_EQ(c.llm.extra_body,
            nlohmann::json({{"temperature", 0.85}, {"top_p", 0.9}, {"frequency_penalty", 0.0}}));
  EXPECT_FALSE(c.llm.temperature.has_value());
  // GSV
  const GptSovitsConfig& g = c.tts.gpt_sovits;
  EXPECT_EQ(g.text_lang, "zh");
  EXPECT_EQ(g.gpt_weight, "GPT_weights_v2\\女仆-e15.ckpt");
  EXPECT_EQ(g.sovits_weight, "SoVITS_weights_v2\\女仆_e24_s504.pth");
  EXPECT_EQ(g.ref_audio_path, "ref/normal.wav");
  EXPECT_EQ(g.prompt_text, "嗯，谢谢您的夸奖，主人喜欢就好。");
  EXPECT_EQ(g.prompt_lang, "zh");
  EXPECT_THAT(g.aux_ref_audio_paths, ElementsAre("ref/aux1.wav", "ref/aux2.wav"));
  EXPECT_EQ(g.seed, 1234);
  EXPECT_EQ(g.top_k, 30);
  EXPECT_EQ(g.batch_size, 20);
  EXPECT_EQ(g.text_split_method, "cut0");  // GSV.ex_config
  // GSV.api names the server: the gpt-sovits engine, at its base URL.
  EXPECT_EQ(c.tts.engine, "gpt-sovits");
  ASSERT_EQ(c.tts.remote.endpoints.size(), 1u);
  EXPECT_EQ(c.tts.remote.endpoints[0].url, "http://127.0.0.1:9880");
  // extra_ref_audio
  ASSERT_EQ(c.tts.extra_ref_audio.size(), 2u);
  EXPECT_EQ(c.tts.extra_ref_audio.at("开心").wav_path, "ref/happy.wav");
  EXPECT_EQ(c.tts.extra_ref_audio.at("开心").transcript, "今天天气真好，我们出去玩吧！");
  EXPECT_EQ(c.tts.extra_ref_audio.at("生气").wav_path, "ref/angry.wav");
  // Untouched sections keep their defaults.
  EXPECT_EQ(c.server.port, 8001);
}

TEST(ConfigLegacyTest, ExtraKeysOfTheOriginalAreWarnings) {
  const Config c = LoadConfig(DataPath("legacy-config.yaml"), {});
  EXPECT_TRUE(AnyWarningHas(c, "Core keys of the original config.yaml that mirrorvox does not "
                              "support yet (ignored): tt"));
  EXPECT_FALSE(AnyWarningHas(c, "extra_config"));  // passed through
  EXPECT_FALSE(AnyWarningHas(c, "'GSV.api'"));  // mapped onto tts.endpoints
  EXPECT_FALSE(AnyWarningHas(c, "GSV.ex_config"));  // its one key is mapped
  EXPECT_TRUE(AnyWarningHas(c, "section 'LLM2' of the original config.yaml is not supported"));
  EXPECT_TRUE(AnyWarningHas(c, "Agent keys of the original config.yaml that mirrorvox does not "
                              "support yet (ignored): context_length"));
  EXPECT_TRUE(AnyWarningHas(c, "legacy-config.yaml:"));  // with the place
}

TEST(ConfigLegacyTest, MinimalOriginalWithEmptyValues) {
  // As the original ships it: thr and aux paths left empty.
  const Config c = LoadText(R"(
Core:
  sv:
    is_up: false
    master_audio: test.wav
    thr:
LLM:
  api: http://127.0.0.1:8000/v1/chat/completions
  key:
  model:
GSV:
  text_lang: zh
  GPT_weight:
  SoVITS_weight:
  ref_audio_path: ref.wav
  prompt_text:
  prompt_lang: zh
  aux_ref_audio_paths:
    -
  seed: -1
  top_k: 15
  batch_size: 20
extra_ref_audio:
)");
  EXPECT_FALSE(c.voiceprint.enabled);
  EXPECT_DOUBLE_EQ(c.voiceprint.threshold, 0.0);
  ASSERT_EQ(c.voiceprint.owners.size(), 1u);
  EXPECT_TRUE(std::filesystem::path(c.voiceprint.owners[0]).is_absolute());
  EXPECT_EQ(std::filesystem::path(c.voiceprint.owners[0]).filename(), "test.wav");
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].key, "");
  EXPECT_TRUE(c.tts.gpt_sovits.aux_ref_audio_paths.empty());
  EXPECT_EQ(c.tts.gpt_sovits.seed, -1);
  EXPECT_TRUE(c.tts.extra_ref_audio.empty());
  EXPECT_TRUE(c.warnings.empty());
  // No GSV.api: nobody said a GPT-SoVITS server runs, so the embedded voices speak.
  EXPECT_EQ(c.tts.engine, "");
  EXPECT_TRUE(c.tts.remote.endpoints.empty());
}

TEST(ConfigLegacyTest, GsvApiSelectsGptSovitsAtItsBaseUrl) {
  const Config c = LoadText(
      "GSV:\n  api: http://gpu1:9880/tts/\n  ref_audio_path: ref.wav\n  ex_config:\n"
      "    speed_factor: 1.2\n    streaming_mode: true\n    unknown_knob: 1\n");
  EXPECT_EQ(c.tts.engine, "gpt-sovits");
  ASSERT_EQ(c.tts.remote.endpoints.size(), 1u);
  EXPECT_EQ(c.tts.remote.endpoints[0].url, "http://gpu1:9880");
  EXPECT_DOUBLE_EQ(c.tts.gpt_sovits.speed_factor, 1.2);
  EXPECT_EQ(c.tts.gpt_sovits.streaming_mode, "true");
  EXPECT_TRUE(AnyWarningHas(c, "'GSV.ex_config.unknown_knob'"));
  // Own keys still win: a config may name the engine and its endpoints itself.
  const Config own = LoadText(
      "GSV:\n  api: http://gpu1:9880/tts\n  ref_audio_path: ref.wav\ntts:\n  endpoints: "
      "[http://a:9880, {url: http://b:9880, max_concurrency: 2}]\n");
  ASSERT_EQ(own.tts.remote.endpoints.size(), 2u);
  EXPECT_EQ(own.tts.remote.endpoints[1].max_concurrency, 2);
}

TEST(ConfigLegacyTest, EmptyApiConfiguresNoEndpoint) {
  const Config c = LoadText("LLM:\n  api:\n  key: sk-x\n  model: m\n");
  EXPECT_TRUE(c.llm.endpoints.empty());
  EXPECT_TRUE(AnyWarningHas(c, "LLM.api is empty"));
}

TEST(ConfigLegacyTest, WrongTypeOfAMappedKeyIsAnError) {
  EXPECT_THAT(LoadError("Core:\n  sv:\n    is_up: maybe\n"),
              StartsWith("config: Core.sv.is_up: expected a boolean (true or false), got 'maybe'"));
  EXPECT_THAT(LoadError("GSV:\n  top_k: many\n"),
              StartsWith("config: GSV.top_k: expected an integer, got 'many'"));
  EXPECT_THAT(LoadError("Core:\n  sv: on\n"), StartsWith("config: Core.sv: expected a map"));
  EXPECT_THAT(LoadError("extra_ref_audio:\n  开心: [a.wav, b, c]\n"),
              StartsWith("config: extra_ref_audio.开心: expected [wav_path, transcript]"));
  // Mapped values are validated like mirrorvox's own.
  EXPECT_THAT(LoadError("Core:\n  sv:\n    thr: 5\n    master_audio: a.wav\n"),
              StartsWith("config: voiceprint.threshold: must be between 0 and 1"));
}

TEST(ConfigLegacyTest, TyposInLegacySectionsWarnWithSuggestion) {
  const Config c = LoadText("GSV:\n  top_kk: 3\n");
  EXPECT_TRUE(AnyWarningHas(c, "'GSV.top_kk'"));
  EXPECT_TRUE(AnyWarningHas(c, "did you mean 'GSV.top_k'?"));
}

TEST(ConfigLegacyTest, UnknownTopLevelKeysStayErrors) {
  EXPECT_THAT(LoadError("Core: {}\nFoo: 1\n"), HasSubstr("config: unknown key 'Foo'"));
  EXPECT_THAT(LoadError("GVS:\n  top_k: 3\n"),
              HasSubstr("config: unknown key 'GVS' (did you mean 'GSV'?)"));
}

TEST(ConfigLegacyTest, MixedStyleOwnKeysWin) {
  // Own keys come first in the file, yet still win over the original's.
  const Config c = LoadText(R"(
tts:
  gpt_sovits:
    top_k: 5
  voice: rms
llm:
  temperature: 0.2
  system_prompt: Speak like a pirate.
server:
  port: 9200
LLM:
  api: https://api.example.com/v1/chat/completions
  key: sk-legacy-key-123456
  model: gpt-4o-mini
  extra_config:
    temperature: 0.9
GSV:
  top_k: 30
  ref_audio_path: ref.wav
Core:
  sv:
    is_up: true
    master_audio: me.wav
)");
  EXPECT_EQ(c.tts.gpt_sovits.top_k, 5);
  EXPECT_EQ(c.tts.gpt_sovits.ref_audio_path, "ref.wav");
  EXPECT_EQ(c.tts.voice, "rms");
  EXPECT_DOUBLE_EQ(c.llm.temperature.value_or(-1), 0.2);
  EXPECT_EQ(c.llm.system_prompt, "Speak like a pirate.");
  EXPECT_EQ(c.server.port, 9200);
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].model, "gpt-4o-mini");
  EXPECT_TRUE(c.voiceprint.enabled);
  ASSERT_EQ(c.voiceprint.owners.size(), 1u);
  EXPECT_EQ(std::filesystem::path(c.voiceprint.owners[0]).filename(), "me.wav");
}

TEST(ConfigLegacyTest, OwnEndpointListReplacesTheLegacyOne) {
  const Config c = LoadText(
      "LLM:\n  api: http://old/v1/chat/completions\nllm:\n  endpoints: [http://a/v1, "
      "http://b/v1]\n");
  ASSERT_EQ(c.llm.endpoints.size(), 2u);
  EXPECT_EQ(c.llm.endpoints[0].url, "http://a/v1");
}

}  // namespace
}  // namespace mv
