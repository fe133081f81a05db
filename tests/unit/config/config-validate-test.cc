#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "config-test-util.h"
#include "config/config.h"

namespace mv {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct ValidateCase {
  std::string name;
  std::function<void(Config&)> mutate;
  std::string expected;  // the message starts "config: " + this
};

std::ostream& operator<<(std::ostream& os, const ValidateCase& c) { return os << c.name; }

LlmEndpoint Endpoint(std::string url) { return LlmEndpoint{std::move(url), "", ""}; }

class ConfigValidateTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(ConfigValidateTest, MessageNamesTheKey) {
  Config config;
  GetParam().mutate(config);
  const std::string message = ErrorOf([&] { config.Validate(); });
  EXPECT_THAT(message, StartsWith("config: " + GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Sections, ConfigValidateTest,
    ::testing::Values(
        ValidateCase{"empty_host", [](Config& c) { c.server.host = ""; },
                     "server.host: must not be empty"},
        ValidateCase{"url_as_host", [](Config& c) { c.server.host = "http://0.0.0.0"; },
                     "server.host: must be a host name or IP address, not a URL"},
        ValidateCase{"port_zero", [](Config& c) { c.server.port = 0; },
                     "server.port: must be between 1 and 65535, got 0"},
        ValidateCase{"port_big", [](Config& c) { c.server.port = 65536; },
                     "server.port: must be between 1 and 65535, got 65536"},
        ValidateCase{"io_threads", [](Config& c) { c.server.io_threads = 0; },
                     "server.io_threads: must be between 1 and 1024"},
        ValidateCase{"compute_threads", [](Config& c) { c.server.compute_threads = -1; },
                     "server.compute_threads: must be between 0 and 1024"},
        ValidateCase{"max_body_bytes", [](Config& c) { c.server.max_body_bytes = 10; },
                     "server.max_body_bytes: must be between 1KiB and 4GiB"},
        ValidateCase{"idle_timeout", [](Config& c) { c.server.idle_timeout_s = 0; },
                     "server.idle_timeout_s: must be between 1 and 86400"},
        ValidateCase{"audio_max_bytes", [](Config& c) { c.audio.max_bytes = 0; },
                     "audio.max_bytes: "},
        ValidateCase{"audio_max_seconds", [](Config& c) { c.audio.max_seconds = -1; },
                     "audio.max_seconds: "},
        ValidateCase{"endpoint_scheme",
                     [](Config& c) {
                       c.llm.endpoints = {Endpoint("http://a/v1"), Endpoint("ftp://b/v1")};
                     },
                     "llm.endpoints[1].url: must start with http:// or https://, got 'ftp://b/v1'"},
        ValidateCase{"endpoint_empty", [](Config& c) { c.llm.endpoints = {Endpoint("")}; },
                     "llm.endpoints[0].url: must not be empty"},
        ValidateCase{"endpoint_no_host",
                     [](Config& c) { c.llm.endpoints = {Endpoint("https://")}; },
                     "llm.endpoints[0].url: must name a host"},
        ValidateCase{"endpoint_space",
                     [](Config& c) { c.llm.endpoints = {Endpoint("http://a b/v1")}; },
                     "llm.endpoints[0].url: must not contain whitespace"},
        ValidateCase{"temperature_high", [](Config& c) { c.llm.temperature = 2.5; },
                     "llm.temperature: must be between 0 and 2, got 2.5"},
        ValidateCase{"temperature_negative", [](Config& c) { c.llm.temperature = -0.1; },
                     "llm.temperature: must be between 0 and 2"},
        ValidateCase{"temperature_nan", [](Config& c) { c.llm.temperature = std::nan(""); },
                     "llm.temperature: must be between 0 and 2"},
        ValidateCase{"max_tokens", [](Config& c) { c.llm.max_tokens = 0; },
                     "llm.max_tokens: must be between 1 and"},
        ValidateCase{"first_token_timeout", [](Config& c) { c.llm.first_token_timeout_ms = 0; },
                     "llm.first_token_timeout_ms: must be between 1 and 600000"},
        ValidateCase{"cooldown", [](Config& c) { c.llm.cooldown_ms = -5; },
                     "llm.cooldown_ms: must be between 0 and 3600000, got -5"},
        ValidateCase{"threshold", [](Config& c) { c.voiceprint.threshold = 1.5; },
                     "voiceprint.threshold: must be between 0 and 1"},
        ValidateCase{"enabled_without_owner", [](Config& c) { c.voiceprint.enabled = true; },
                     "voiceprint.owners: must list at least one enrolment audio file when "
                     "voiceprint.enabled is true"},
        ValidateCase{"empty_owner",
                     [](Config& c) {
                       c.voiceprint.owners = {"a.wav", ""};
                     },
                     "voiceprint.owners[1]: must be a path"},
        ValidateCase{"first_min_chars", [](Config& c) { c.pipeline.first_min_chars = 0; },
                     "pipeline.first_min_chars: must be between 1 and 1000, got 0"},
        ValidateCase{"max_below_min",
                     [](Config& c) {
                       c.pipeline.min_chars = 20;
                       c.pipeline.max_chars = 10;
                     },
                     "pipeline.max_chars: must be at least pipeline.min_chars"},
        ValidateCase{"output_sample_rate", [](Config& c) { c.pipeline.output_sample_rate = 100; },
                     "pipeline.output_sample_rate: must be between 8000 and 48000"}),
    [](const ::testing::TestParamInfo<ValidateCase>& info) { return info.param.name; });

TEST(ConfigValidateTest, DefaultsAndReasonableValuesAreValid) {
  Config config;
  EXPECT_NO_THROW(config.Validate());
  config.llm.endpoints = {Endpoint("https://api.example.com/v1"),
                          Endpoint("http://127.0.0.1:11434/v1/chat/completions")};
  config.voiceprint.enabled = true;
  config.voiceprint.owners = {"me.wav"};
  config.server.host = "::";
  EXPECT_NO_THROW(config.Validate());
}

TEST(ConfigValidateTest, ErrorKindAndCode) {
  Config config;
  config.server.port = 0;
  try {
    config.Validate();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(e.code(), "bad_config");
  }
}

TEST(ConfigToStringTest, SectionsPrintTheirFields) {
  Config config;
  EXPECT_THAT(config.server.ToString(), HasSubstr("port=8001"));
  EXPECT_THAT(config.voiceprint.ToString(), HasSubstr("enabled=false"));
  config.llm.endpoints = {{"http://u:secretpw@h/v1", "sk-abcdefghijklmnop1234", "m"}};
  const std::string llm = config.llm.ToString();
  EXPECT_THAT(llm, HasSubstr("key=\"sk-\u20261234\""));
  EXPECT_THAT(llm, HasSubstr("http://u:****@h/v1"));
  EXPECT_THAT(llm, ::testing::Not(HasSubstr("abcdefghijklmnop")));
  EXPECT_THAT(llm, ::testing::Not(HasSubstr("secretpw")));
}

}  // namespace
}  // namespace mv
