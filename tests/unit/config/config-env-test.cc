#include "config/config-env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "config-test-util.h"

namespace mv {
namespace {

using testing::DataPath;
using ::testing::ElementsAre;
using testing::Env;
using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::LoadText;
using ::testing::StartsWith;

TEST(ConfigEnvTest, OverridesOwnKeys) {
  const Config c = LoadConfig("", Env{{"MIRRORVOX_SERVER__PORT", "9000"},
                                      {"MIRRORVOX_LLM__SYSTEM_PROMPT", "You are a cat. Meow."},
                                      {"MIRRORVOX_TTS__VOICE", "rms"},
                                      {"MIRRORVOX_AUDIO__MAX_BYTES", "10MiB"},
                                      {"MIRRORVOX_PIPELINE__SPEAK_ONLY_QUOTED", "true"},
                                      {"MIRRORVOX_TTS__GPT_SOVITS__TOP_K", "25"}});
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.llm.system_prompt, "You are a cat. Meow.");
  EXPECT_EQ(c.tts.voice, "rms");
  EXPECT_EQ(c.audio.max_bytes, 10u << 20);
  EXPECT_TRUE(c.pipeline.speak_only_quoted);
  EXPECT_EQ(c.tts.gpt_sovits.top_k, 25);
  EXPECT_THAT(c.source, HasSubstr("environment (MIRRORVOX_AUDIO__MAX_BYTES"));
}

TEST(ConfigEnvTest, AppliedAfterTheFile) {
  const Config c = LoadText("server:\n  port: 9000\n  host: 127.0.0.1\n",
                            Env{{"MIRRORVOX_SERVER__PORT", "9100"}});
  EXPECT_EQ(c.server.port, 9100);
  EXPECT_EQ(c.server.host, "127.0.0.1");
}

TEST(ConfigEnvTest, LlmShortcutsSetTheFirstEndpoint) {
  const Config c = LoadConfig("", Env{{"MIRRORVOX_LLM__URL", "http://127.0.0.1:11434/v1"},
                                      {"MIRRORVOX_LLM__KEY", "sk-from-env-0000"},
                                      {"MIRRORVOX_LLM__MODEL", "qwen2.5"}});
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(c.llm.endpoints[0].key, "sk-from-env-0000");
  EXPECT_EQ(c.llm.endpoints[0].model, "qwen2.5");
}

TEST(ConfigEnvTest, KeyFromEnvKeepsTheFilesUrl) {
  // The usual way to keep a secret out of a legacy file.
  const Config c =
      LoadConfig(DataPath("legacy-config.yaml"), Env{{"MIRRORVOX_LLM__KEY", "sk-env"}});
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].url, "http://192.168.1.20:11434/v1/chat/completions");
  EXPECT_EQ(c.llm.endpoints[0].key, "sk-env");
}

TEST(ConfigEnvTest, IndexedEndpointsAndWholeList) {
  Config c = LoadConfig("", Env{{"MIRRORVOX_LLM__URL", "http://a/v1"},
                                {"MIRRORVOX_LLM__ENDPOINTS__1__URL", "http://b/v1"},
                                {"MIRRORVOX_LLM__ENDPOINTS__1__MODEL", "m2"}});
  ASSERT_EQ(c.llm.endpoints.size(), 2u);
  EXPECT_EQ(c.llm.endpoints[1].url, "http://b/v1");
  EXPECT_EQ(c.llm.endpoints[1].model, "m2");

  c = LoadConfig("", Env{{"MIRRORVOX_LLM__ENDPOINTS", "http://a/v1, http://b/v1"}});
  ASSERT_EQ(c.llm.endpoints.size(), 2u);
  EXPECT_EQ(c.llm.endpoints[1].url, "http://b/v1");

  c = LoadConfig("", Env{{"MIRRORVOX_LLM__ENDPOINTS", "[{url: 'http://a/v1', key: k}]"}});
  ASSERT_EQ(c.llm.endpoints.size(), 1u);
  EXPECT_EQ(c.llm.endpoints[0].key, "k");

  // A gap is reported by validation, naming the missing endpoint.
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_LLM__ENDPOINTS__1__URL", "http://b/v1"}});
              }),
              StartsWith("config: llm.endpoints[0].url: must not be empty"));
}

TEST(ConfigEnvTest, ListsAndMaps) {
  const Config c =
      LoadConfig("", Env{{"MIRRORVOX_VOICEPRINT__OWNERS", "a.wav, b.wav"},
                         {"MIRRORVOX_TTS__GPT_SOVITS__AUX_REF_AUDIO_PATHS", "[x.wav, 'y,z.wav']"},
                         {"MIRRORVOX_TTS__EXTRA_REF_AUDIO", "{happy: [h.wav, 'Yay, sun!']}"}});
  EXPECT_THAT(c.voiceprint.owners, ElementsAre("a.wav", "b.wav"));
  EXPECT_THAT(c.tts.gpt_sovits.aux_ref_audio_paths, ElementsAre("x.wav", "y,z.wav"));
  EXPECT_EQ(c.tts.extra_ref_audio.at("happy").transcript, "Yay, sun!");
}

TEST(ConfigEnvTest, UnknownVariableIsAnError) {
  EXPECT_EQ(ErrorOf([] {
              LoadConfig("", Env{{"MIRRORVOX_SERVER__PROT", "1"}});
            }),
            "config: unknown environment variable MIRRORVOX_SERVER__PROT (did you mean "
            "MIRRORVOX_SERVER__PORT?)");
  EXPECT_EQ(ErrorOf([] {
              LoadConfig("", Env{{"MIRRORVOX_PORT", "1"}});
            }),
            "config: unknown environment variable MIRRORVOX_PORT (did you mean "
            "MIRRORVOX_SERVER__PORT?)");
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_WHATEVER", "1"}});
              }),
              StartsWith("config: unknown environment variable MIRRORVOX_WHATEVER"));
  // Test harnesses' switches are theirs; anything else is still checked.
  EXPECT_EQ(LoadConfig("", Env{{"MIRRORVOX_TEST_CHECK_EXIT", "1"}}).server.port,
            LoadConfig("", Env{}).server.port);
  // A group is not a key.
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_SERVER", "1"}});
              }),
              StartsWith("config: unknown environment variable MIRRORVOX_SERVER"));
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_LLM__ENDPOINTS__X__URL", "h"}});
              }),
              HasSubstr("MIRRORVOX_LLM__ENDPOINTS__X__URL: the endpoint index must be a number"));
}

TEST(ConfigEnvTest, BadValueNamesKeyAndVariable) {
  EXPECT_EQ(ErrorOf([] {
              LoadConfig("", Env{{"MIRRORVOX_SERVER__PORT", "abc"}});
            }),
            "config: server.port: expected an integer in 1..65535, got 'abc' (from "
            "MIRRORVOX_SERVER__PORT)");
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_TTS__EXTRA_REF_AUDIO", "{a: [b"}});
              }),
              StartsWith("config: MIRRORVOX_TTS__EXTRA_REF_AUDIO: not valid YAML flow syntax"));
  // Validation after the environment says the value came from there.
  EXPECT_THAT(ErrorOf([] {
                LoadConfig("", Env{{"MIRRORVOX_LLM__TEMPERATURE", "5"}});
              }),
              HasSubstr("(in built-in defaults + environment (MIRRORVOX_LLM__TEMPERATURE))"));
}

TEST(ConfigEnvTest, OtherAndReservedVariablesAreIgnored) {
  const Config c = LoadConfig("", Env{{"HOME", "/root"},
                                      {"mirrorvox_server__port", "1"},
                                      {"MIRRORVOX_CONFIG", "/etc/mirrorvox.yaml"},
                                      {"MIRRORVOX_LOG_LEVEL", "debug"}});
  EXPECT_EQ(c.server.port, 8001);
  EXPECT_EQ(c.source, "built-in defaults");
}

TEST(ConfigEnvTest, EnvNameForKey) {
  EXPECT_EQ(EnvNameForKey("server.port"), "MIRRORVOX_SERVER__PORT");
  EXPECT_EQ(EnvNameForKey("tts.gpt_sovits.top_k"), "MIRRORVOX_TTS__GPT_SOVITS__TOP_K");
}

TEST(ConfigEnvTest, ProcessEnvironmentOverload) {
  ::setenv("MIRRORVOX_SERVER__IDLE_TIMEOUT_S", "42", 1);
  const Config c = LoadConfig("");
  ::unsetenv("MIRRORVOX_SERVER__IDLE_TIMEOUT_S");
  EXPECT_EQ(c.server.idle_timeout_s, 42);
  EXPECT_EQ(MirrorvoxEnvironment().count("MIRRORVOX_SERVER__IDLE_TIMEOUT_S"), 0u);
}

}  // namespace
}  // namespace mv
