#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config-test-util.h"

namespace mv {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::LoadError;
using testing::LoadText;
using ::testing::StartsWith;
using testing::TempYaml;

TEST(ConfigLoaderTest, NoFileGivesValidDefaults) {
  const Config config = LoadConfig("", {});
  EXPECT_EQ(config.server.port, 8001);
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_TRUE(config.llm.endpoints.empty());
  EXPECT_TRUE(config.warnings.empty());
  EXPECT_EQ(config.source, "built-in defaults");
  EXPECT_NO_THROW(Config{}.Validate());
}

TEST(ConfigLoaderTest, EmptyOrCommentOnlyFileGivesDefaults) {
  EXPECT_EQ(LoadText("").server.port, 8001);
  EXPECT_EQ(LoadText("# nothing here\n").server.port, 8001);
}

TEST(ConfigLoaderTest, ReadsEveryOwnKey) {
  const Config c = LoadText(R"(
server:
  host: 127.0.0.1
  port: 9001
  io_threads: 2
  compute_threads: 3
  max_body_bytes: 50MB
  idle_timeout_s: 30
audio:
  max_bytes: 512KiB
  max_seconds: 60.5
asr:
  engine: pocketsphinx
  language: en
  pool_size: 4
  model_dir: /models/en-us
tts:
  engine: flite
  language: en
  voice: rms
  parallelism: 3
  extra_ref_audio:
    happy: [ref/happy.wav, "What a day!"]
    sad: {wav_path: ref/sad.wav, transcript: Oh no.}
  gpt_sovits:
    text_lang: en
    gpt_weight: g.ckpt
    sovits_weight: s.pth
    ref_audio_path: ref.wav
    prompt_text: Hello there.
    prompt_lang: en
    aux_ref_audio_paths: [a.wav, b.wav]
    seed: 7
    top_k: 20
    batch_size: 4
llm:
  endpoints:
    - {url: "http://a:8080/v1", key: k1, model: m1}
    - http://b:8080/v1
  system_prompt: "Be brief. "
  temperature: 0.3
  max_tokens: 100
  first_token_timeout_ms: 2000
  cooldown_ms: 0
voiceprint:
  enabled: yes
  threshold: 0.7
  owners: [me.wav]
pipeline:
  speak_only_quoted: true
  drop_parentheses: false
  drop_urls: false
  early_first_segment: false
  first_min_chars: 4
  min_chars: 12
  max_chars: 80
  output_sample_rate: 16000
)");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 9001);
  EXPECT_EQ(c.server.io_threads, 2);
  EXPECT_EQ(c.server.compute_threads, 3);
  EXPECT_EQ(c.server.max_body_bytes, 50000000u);
  EXPECT_EQ(c.server.idle_timeout_s, 30);
  EXPECT_EQ(c.audio.max_bytes, 512u * 1024);
  EXPECT_DOUBLE_EQ(c.audio.max_seconds, 60.5);
  EXPECT_EQ(c.asr.pool_size, 4);
  EXPECT_EQ(c.asr.model_dir, "/models/en-us");
  EXPECT_EQ(c.tts.engine, "flite");
  EXPECT_EQ(c.tts.voice, "rms");
  EXPECT_EQ(c.tts.parallelism, 3);
  ASSERT_EQ(c.tts.extra_ref_audio.size(), 2u);
  EXPECT_EQ(c.tts.extra_ref_audio.at("happy").wav_path, "ref/happy.wav");
  EXPECT_EQ(c.tts.extra_ref_audio.at("happy").transcript, "What a day!");
  EXPECT_EQ(c.tts.extra_ref_audio.at("sad").transcript, "Oh no.");
  EXPECT_EQ(c.tts.gpt_sovits.text_lang, "en");
  EXPECT_EQ(c.tts.gpt_sovits.gpt_weight, "g.ckpt");
  EXPECT_EQ(c.tts.gpt_sovits.sovits_weight, "s.pth");
  EXPECT_EQ(c.tts.gpt_sovits.ref_audio_path, "ref.wav");
  EXPECT_EQ(c.tts.gpt_sovits.prompt_text, "Hello there.");
  EXPECT_EQ(c.tts.gpt_sovits.prompt_lang, "en");
  EXPECT_THAT(c.tts.gpt_sovits.aux_ref_audio_paths, ::testing::ElementsAre("a.wav", "b.wav"));
  EXPECT_EQ(c.tts.gpt_sovits.seed, 7);
  EXPECT_EQ(c.tts.gpt_sovits.top_k, 20);
  EXPECT_EQ(c.tts.gpt_sovits.batch_size, 4);
  ASSERT_EQ(c.llm.endpoints.size(), 2u);
  EXPECT_EQ(c.llm.endpoints[0].url, "http://a:8080/v1");
  EXPECT_EQ(c.llm.endpoints[0].key, "k1");
  EXPECT_EQ(c.llm.endpoints[0].model, "m1");
  EXPECT_EQ(c.llm.endpoints[1].url, "http://b:8080/v1");
  EXPECT_EQ(c.llm.system_prompt, "Be brief. ");
  EXPECT_DOUBLE_EQ(c.llm.temperature.value_or(-1), 0.3);
  EXPECT_EQ(c.llm.max_tokens.value_or(-1), 100);
  EXPECT_EQ(c.llm.first_token_timeout_ms, 2000);
  EXPECT_EQ(c.llm.cooldown_ms, 0);
  EXPECT_TRUE(c.voiceprint.enabled);
  EXPECT_DOUBLE_EQ(c.voiceprint.threshold, 0.7);
  EXPECT_THAT(c.voiceprint.owners, ::testing::ElementsAre("me.wav"));
  EXPECT_TRUE(c.pipeline.speak_only_quoted);
  EXPECT_FALSE(c.pipeline.drop_parentheses);
  EXPECT_FALSE(c.pipeline.drop_urls);
  EXPECT_FALSE(c.pipeline.early_first_segment);
  EXPECT_EQ(c.pipeline.first_min_chars, 4);
  EXPECT_EQ(c.pipeline.min_chars, 12);
  EXPECT_EQ(c.pipeline.max_chars, 80);
  EXPECT_EQ(c.pipeline.output_sample_rate, 16000);
}

TEST(ConfigLoaderTest, KeyWithNoValueKeepsDefault) {
  const Config c = LoadText("server:\n  port:\nllm:\n");
  EXPECT_EQ(c.server.port, 8001);
  // An explicit empty string is a value, and server.host may not be empty.
  EXPECT_THAT(LoadError("server:\n  host: ''\n"),
              HasSubstr("config: server.host: must not be empty"));
}

TEST(ConfigLoaderTest, SizesTakeIntegersOrUnits) {
  struct Case {
    std::string text;
    std::size_t bytes;
  };
  for (const Case& c : std::vector<Case>{{"1048576", 1048576},
                                         {"25MB", 25000000},
                                         {"25mb", 25000000},
                                         {"512KiB", 524288},
                                         {"1.5 MiB", 1572864},
                                         {"2GB", 2000000000},
                                         {"100B", 100}}) {
    EXPECT_EQ(LoadText("audio:\n  max_bytes: " + c.text + "\n").audio.max_bytes, c.bytes) << c.text;
  }
  EXPECT_THAT(LoadError("audio:\n  max_bytes: 25 parsecs\n"),
              HasSubstr("config: audio.max_bytes: expected a size such as 1048576, 25MB or "
                        "512KiB, got '25 parsecs'"));
  EXPECT_THAT(LoadError("audio:\n  max_bytes: -5\n"), HasSubstr("got '-5'"));
}

TEST(ConfigLoaderTest, UnknownKeyIsAnErrorWithSuggestion) {
  TempYaml file("server:\n  host: 0.0.0.0\n  prot: 9000\n");
  const std::string message = ErrorOf([&] { LoadConfig(file.path(), {}); });
  EXPECT_THAT(message,
              StartsWith("config: unknown key 'server.prot' (did you mean 'server.port'?)"));
  EXPECT_THAT(message, HasSubstr(file.path() + ":3:3"));
}

TEST(ConfigLoaderTest, UnknownKeySuggestions) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"sever:\n  port: 1\n", "unknown key 'sever' (did you mean 'server'?)"},
      {"Server:\n  port: 1\n", "unknown key 'Server' (did you mean 'server'?)"},
      {"server:\n  max_bytes: 1\n",
       "unknown key 'server.max_bytes' (did you mean 'audio.max_bytes'?)"},
      {"llm:\n  api: http://x/v1\n",
       "unknown key 'llm.api' (did you mean 'llm.endpoints[0].url'?)"},
      {"llm:\n  endpoints:\n    - {uri: http://x/v1}\n",
       "unknown key 'llm.endpoints[0].uri' (did you mean 'llm.endpoints[0].url'?)"},
      {"tts:\n  gpt_sovits:\n    topk: 3\n",
       "unknown key 'tts.gpt_sovits.topk' (did you mean 'tts.gpt_sovits.top_k'?)"},
      {"tts:\n  extra_ref_audio:\n    happy: {wav: a.wav}\n",
       "unknown key 'tts.extra_ref_audio.happy.wav' (did you mean "
       "'tts.extra_ref_audio.happy.wav_path'?)"},
      {"pipeline:\n  speak_only_quotes: true\n",
       "unknown key 'pipeline.speak_only_quotes' (did you mean 'pipeline.speak_only_quoted'?)"},
      {"zzz: 1\n", "unknown key 'zzz' ("},  // nothing close: no hint, only the place
  };
  for (const Case& c : cases) {
    EXPECT_THAT(LoadError(c.yaml), HasSubstr("config: " + c.expected)) << c.yaml;
  }
  EXPECT_THAT(LoadError("zzz: 1\n"), ::testing::Not(HasSubstr("did you mean")));
}

TEST(ConfigLoaderTest, WrongTypesNameKeyAllowedAndGiven) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"server:\n  port: abc\n", "config: server.port: expected an integer in 1..65535, got 'abc'"},
      {"server:\n  port: 70000\n",
       "config: server.port: expected an integer in 1..65535, got '70000'"},
      {"server:\n  port: [1, 2]\n",
       "config: server.port: expected an integer in 1..65535, got a list"},
      {"server: 8001\n", "config: server: expected a map of keys, got '8001'"},
      {"asr:\n  pool_size: 1.5\n", "config: asr.pool_size: expected an integer, got '1.5'"},
      {"llm:\n  temperature: hot\n", "config: llm.temperature: expected a number, got 'hot'"},
      {"pipeline:\n  speak_only_quoted: maybe\n",
       "config: pipeline.speak_only_quoted: expected a boolean (true or false), got 'maybe'"},
      {"voiceprint:\n  owners: {a: b}\n",
       "config: voiceprint.owners: expected a list of strings, got a map"},
      {"voiceprint:\n  owners: [a.wav, [b.wav]]\n",
       "config: voiceprint.owners[1]: expected a string, got a list"},
      {"llm:\n  system_prompt: {a: 1}\n",
       "config: llm.system_prompt: expected a string, got a map"},
      {"llm:\n  endpoints: {url: x}\n",
       "config: llm.endpoints: expected a list of {url, key, model}, got a map"},
      {"llm:\n  endpoints:\n    - url: [x]\n",
       "config: llm.endpoints[0].url: expected a string, got a list"},
      {"tts:\n  extra_ref_audio: happy.wav\n",
       "config: tts.extra_ref_audio: expected a map of tag: [wav_path, transcript], got "
       "'happy.wav'"},
      {"tts:\n  extra_ref_audio:\n    happy: [a.wav, b, c]\n",
       "config: tts.extra_ref_audio.happy: expected [wav_path, transcript], got a list"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(LoadError(c.yaml), HasSubstr(c.expected)) << c.yaml;
  }
}

TEST(ConfigLoaderTest, ErrorsPointAtLineAndColumn) {
  TempYaml file("server:\n  port: 8001\nllm:\n  temperature:   hot\n");
  EXPECT_THAT(ErrorOf([&] { LoadConfig(file.path(), {}); }), HasSubstr(file.path() + ":4:18)"));
}

TEST(ConfigLoaderTest, YamlSyntaxErrorGivesFileLineColumn) {
  TempYaml file("server:\n  port: 8001\n  host: [127.0.0.1\nllm:\n  temperature: 0.5\n");
  const std::string message = ErrorOf([&] { LoadConfig(file.path(), {}); });
  EXPECT_THAT(message, StartsWith("config: " + file.path() + ":"));
  EXPECT_THAT(message, HasSubstr("YAML syntax error"));
  EXPECT_THAT(message, ::testing::ContainsRegex(":[0-9]+:[0-9]+: YAML syntax error"));

  TempYaml bad("server:\n  port: 8001\n bad: [\n");
  EXPECT_THAT(ErrorOf([&] { LoadConfig(bad.path(), {}); }),
              ::testing::ContainsRegex(":3:[0-9]+: YAML syntax error"));

  TempYaml tab("server:\n  port: 8001\n\thost: x\n");
  EXPECT_THAT(ErrorOf([&] { LoadConfig(tab.path(), {}); }),
              HasSubstr("(line 3 is indented with a tab; YAML needs spaces)"));
}

TEST(ConfigLoaderTest, MissingFileIsAClearError) {
  EXPECT_EQ(ErrorOf([] { LoadConfig("/nonexistent/mirrorvox.yaml", {}); }),
            "config: cannot read config file '/nonexistent/mirrorvox.yaml': No such file or "
            "directory");
  EXPECT_THAT(ErrorOf([] { LoadConfig("/tmp", {}); }), HasSubstr("it is a directory"));
}

TEST(ConfigLoaderTest, ErrorsAreInvalidInputBadConfig) {
  try {
    LoadText("server:\n  port: abc\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(e.code(), "bad_config");
  }
}

TEST(ConfigLoaderTest, DuplicateKeyIsAnError) {
  EXPECT_THAT(LoadError("server:\n  port: 1\n  port: 2\n"),
              HasSubstr("config: duplicate key 'server.port'"));
  EXPECT_THAT(LoadError("server: {}\nserver: {}\n"), HasSubstr("config: duplicate key 'server'"));
}

TEST(ConfigLoaderTest, TopLevelMustBeAMap) {
  EXPECT_THAT(LoadError("- a\n- b\n"), HasSubstr("expected a map of sections"));
}

TEST(ConfigLoaderTest, ValidationRunsAfterLoading) {
  const std::string message = LoadError("llm:\n  temperature: 3\n");
  EXPECT_THAT(message, StartsWith("config: llm.temperature: must be between 0 and 2"));
  EXPECT_THAT(LoadError("llm:\n  endpoints: [ftp://x]\n"),
              HasSubstr("config: llm.endpoints[0].url: must start with http:// or https://"));
}

TEST(ConfigLoaderTest, EndpointForms) {
  EXPECT_EQ(LoadText("llm:\n  endpoints: http://x/v1\n").llm.endpoints.at(0).url, "http://x/v1");
  const Config c = LoadText("llm:\n  endpoints:\n    - url: http://x/v1\n      key:\n");
  EXPECT_EQ(c.llm.endpoints.at(0).key, "");
}

TEST(ConfigLoaderTest, AcceptsBomAndCrlf) {
  const Config c = LoadText("\xEF\xBB\xBFserver:\r\n  port: 9002\r\n");
  EXPECT_EQ(c.server.port, 9002);
}

TEST(ConfigLoaderTest, QuotedNumbersAndBooleanSpellings) {
  EXPECT_EQ(LoadText("server:\n  port: '9003'\n").server.port, 9003);
  EXPECT_TRUE(LoadText("pipeline:\n  speak_only_quoted: On\n").pipeline.speak_only_quoted);
  EXPECT_FALSE(LoadText("pipeline:\n  speak_only_quoted: 0\n").pipeline.speak_only_quoted);
}

}  // namespace
}  // namespace mv
