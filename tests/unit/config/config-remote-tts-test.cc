// The remote TTS engines' keys: tts.endpoints and the pool's timeouts, and
// tts.gpt_sovits / tts.xtts / tts.openai_speech, read, validated and printed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config-test-util.h"
#include "config/config-printer.h"

namespace mv {
namespace {

using ::testing::HasSubstr;
using testing::LoadError;
using testing::LoadText;
using ::testing::Not;

const char* kGsv = R"(
tts:
  engine: gpt-sovits
  endpoints:
    - http://gpu1:9880
    - {url: http://gpu2:9880, max_concurrency: 2}
  first_byte_timeout_ms: 20000
  cooldown_ms: 5000
  failures_before_cooldown: 2
  gpt_sovits:
    ref_audio_path: /data/ref.wav
    prompt_text: hello there
    streaming_mode: 3
    speed_factor: 1.1
    super_sampling: true
    share_dir: /mnt/share
    share_dir_remote: /srv/share
)";

TEST(ConfigRemoteTts, ReadsEndpointsPoolAndEngineKeys) {
  const Config c = LoadText(kGsv);
  EXPECT_EQ(c.tts.engine, "gpt-sovits");
  ASSERT_EQ(c.tts.remote.endpoints.size(), 2u);
  EXPECT_EQ(c.tts.remote.endpoints[0].url, "http://gpu1:9880");
  EXPECT_EQ(c.tts.remote.endpoints[0].max_concurrency, 1);
  EXPECT_EQ(c.tts.remote.endpoints[1].max_concurrency, 2);
  EXPECT_EQ(c.tts.remote.first_byte_timeout_ms, 20000);
  EXPECT_EQ(c.tts.remote.cooldown_ms, 5000);
  EXPECT_EQ(c.tts.remote.failures_before_cooldown, 2);
  EXPECT_EQ(c.tts.remote.health_path, "/");  // the TTS default
  EXPECT_EQ(c.tts.remote.name, "tts");
  EXPECT_EQ(c.tts.gpt_sovits.streaming_mode, "3");
  EXPECT_DOUBLE_EQ(c.tts.gpt_sovits.speed_factor, 1.1);
  EXPECT_TRUE(c.tts.gpt_sovits.super_sampling);
  EXPECT_EQ(c.tts.gpt_sovits.share_dir_remote, "/srv/share");
  EXPECT_TRUE(c.tts.IsRemote());
}

TEST(ConfigRemoteTts, PrintedConfigReadsBackTheSameAndMasksSecrets) {
  Config c = LoadText(std::string(kGsv) + "  openai_speech:\n    key: sk-speech-secret-12345\n");
  const std::string printed = PrintConfig(c);
  EXPECT_THAT(printed, Not(HasSubstr("sk-speech-secret-12345")));
  const Config again = LoadText(printed);
  ASSERT_EQ(again.tts.remote.endpoints.size(), 2u);
  EXPECT_EQ(again.tts.remote.endpoints[1].url, "http://gpu2:9880");
  EXPECT_EQ(again.tts.remote.endpoints[1].max_concurrency, 2);
  EXPECT_EQ(again.tts.gpt_sovits.share_dir, "/mnt/share");
}

TEST(ConfigRemoteTts, ErrorsNameTheKey) {
  const std::string gsv = "tts:\n  engine: gpt-sovits\n";
  EXPECT_THAT(LoadError(gsv + "  gpt_sovits:\n    ref_audio_path: r.wav\n"),
              HasSubstr("tts.endpoints: at least one endpoint is needed"));
  EXPECT_THAT(LoadError(gsv + "  endpoints: [http://a:1]\n"),
              HasSubstr("tts.gpt_sovits.ref_audio_path: required"));
  EXPECT_THAT(
      LoadError(gsv + "  endpoints: [http://a:1, ftp://b]\n  gpt_sovits: {ref_audio_path: r}\n"),
      HasSubstr("tts.endpoints[1].url: must start with http:// or https://"));
  EXPECT_THAT(LoadError(gsv + "  endpoints: [{url: http://a:1, max_concurrency: 0}]\n"),
              HasSubstr("tts.endpoints[0].max_concurrency"));
  EXPECT_THAT(LoadError(gsv + "  endpoints: [{url: http://a:1, max_conc: 2}]\n"),
              HasSubstr("tts.endpoints[0].max_concurrency"));  // the suggestion
  EXPECT_THAT(
      LoadError(
          gsv +
          "  endpoints: [http://a:1]\n  cooldown_ms: -1\n  gpt_sovits: {ref_audio_path: r}\n"),
      HasSubstr("tts.cooldown_ms: must be between 0 and"));
  EXPECT_THAT(
      LoadError(
          gsv +
          "  endpoints: [http://a:1]\n  gpt_sovits: {ref_audio_path: r, streaming_mode: fast}\n"),
      HasSubstr("tts.gpt_sovits.streaming_mode: must be auto, 0, 1, 2, 3"));
  EXPECT_THAT(
      LoadError(gsv +
                "  endpoints: [http://a:1]\n  gpt_sovits: {ref_audio_path: r, share_dir: /x}\n"),
      HasSubstr("tts.gpt_sovits.share_dir_remote: must be set together with"));
  EXPECT_THAT(LoadError("tts:\n  engine: xtts\n  endpoints: [http://a:1]\n"),
              HasSubstr("tts.xtts.speaker: required"));
  EXPECT_THAT(
      LoadError(
          "tts:\n  engine: xtts\n  endpoints: [http://a:1]\n  xtts: {server: grpc, speaker: f}\n"),
      HasSubstr("tts.xtts.server: must be api"));
  EXPECT_THAT(LoadError("tts:\n  engine: openai-speech\n  endpoints: [http://a:1]\n  "
                        "openai_speech: {response_format: mp3}\n"),
              HasSubstr("tts.openai_speech.response_format: must be pcm or wav"));
  EXPECT_THAT(LoadError("tts:\n  engine: openai-speech\n  endpoints: [http://a:1]\n  "
                        "openai_speech: {speed: 9}\n"),
              HasSubstr("tts.openai_speech.speed: must be between 0.25 and 4"));
}

TEST(ConfigRemoteTts, EmbeddedEnginesIgnoreTheRemoteKeys) {
  // No endpoints needed, and the GSV defaults do not make the config invalid.
  const Config c = LoadText("tts:\n  engine: flite\n");
  EXPECT_FALSE(c.tts.IsRemote());
  EXPECT_TRUE(c.tts.remote.endpoints.empty());
}

TEST(ConfigRemoteTts, EndpointsFromTheEnvironment) {
  const Config c = LoadText("tts:\n  engine: openai-speech\n",
                            {{"MIRRORVOX_TTS__ENDPOINTS", "http://a:8880/v1, http://b:8880/v1"}});
  ASSERT_EQ(c.tts.remote.endpoints.size(), 2u);
  EXPECT_EQ(c.tts.remote.endpoints[1].url, "http://b:8880/v1");
}

}  // namespace
}  // namespace mv
