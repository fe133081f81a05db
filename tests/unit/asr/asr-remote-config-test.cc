// Validation of the remote engines' keys (every message names its key) and
// the factory; JoinTranscript.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "asr/asr-config.h"
#include "asr/asr-remote.h"
#include "asr/asr.h"
#include "remote-asr-util.h"

namespace mv {
namespace {

using test::ErrorOf;
using ::testing::HasSubstr;

AsrConfig Remote(const std::string& engine, const std::string& url) {
  AsrConfig c;
  c.engine = engine;
  c.remote.endpoints = {{url, 1}};
  return c;
}

std::string Message(const AsrConfig& c) {
  Error e = ErrorOf([&] { c.Validate(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  return e.what();
}

TEST(AsrRemoteConfig, EveryRemoteEngineIsKnownAndValidWithAnEndpoint) {
  for (const auto& [engine, url] : std::vector<std::pair<std::string, std::string>>{
           {"funasr", "ws://gpu:10095"},
           {"funasr", "wss://gpu:10095"},
           {"wenet", "ws://gpu:10086"},
           {"openai-transcriptions", "https://api.openai.com/v1"},
           {"whisper-server", "http://gpu:8080"}}) {
    AsrConfig c = Remote(engine, url);
    EXPECT_NO_THROW(c.Validate()) << engine;
    EXPECT_TRUE(c.IsRemote());
    EXPECT_THAT(c.ToString(), HasSubstr("endpoints=1"));
  }
  EXPECT_FALSE(AsrConfig().IsRemote());
}

TEST(AsrRemoteConfig, EndpointsAreRequiredAndChecked) {
  AsrConfig c = Remote("whisper-server", "http://gpu:8080");
  c.remote.endpoints.clear();
  EXPECT_THAT(Message(c), HasSubstr("asr.endpoints: at least one endpoint"));
  c = Remote("whisper-server", "gpu:8080");
  EXPECT_THAT(Message(c), HasSubstr("asr.endpoints[0].url"));
  c = Remote("whisper-server", "ws://gpu:8080");
  EXPECT_THAT(Message(c), HasSubstr("asr.endpoints[0].url: must start with http:// or https://"));
  c = Remote("funasr", "http://gpu:10095");
  EXPECT_THAT(Message(c), HasSubstr("asr.endpoints[0].url: the funasr engine speaks WebSocket"));
  c = Remote("wenet", "ws://gpu:10086");
  c.remote.endpoints[0].max_concurrency = 0;
  EXPECT_THAT(Message(c), HasSubstr("asr.endpoints[0].max_concurrency"));
  c = Remote("wenet", "ws://gpu:10086");
  c.remote.connect_timeout_ms = 0;
  EXPECT_THAT(Message(c), HasSubstr("asr.connect_timeout_ms"));
}

TEST(AsrRemoteConfig, FunAsrChunkSizeMustBeThreeWithANonZeroMiddle) {
  AsrConfig c = Remote("funasr", "ws://gpu:10095");
  for (const std::vector<int>& bad :
       std::vector<std::vector<int>>{{5, 0, 5}, {5, 10}, {}, {1, 2, 3, 4}}) {
    c.funasr.chunk_size = bad;
    EXPECT_THAT(Message(c), HasSubstr("asr.funasr.chunk_size: must be exactly 3 integers with a "
                                      "non-zero middle one"));
  }
  c.funasr.chunk_size = {5, -1, 5};
  EXPECT_THAT(Message(c), HasSubstr("asr.funasr.chunk_size[1]"));
  c.funasr.chunk_size = {8, 8, 4};
  EXPECT_NO_THROW(c.Validate());
}

TEST(AsrRemoteConfig, EngineOptionsNameTheirKeys) {
  AsrConfig c = Remote("funasr", "ws://gpu:10095");
  c.funasr.mode = "streaming";
  EXPECT_THAT(Message(c), HasSubstr("asr.funasr.mode: must be offline, 2pass or online"));
  c = Remote("funasr", "ws://gpu:10095");
  c.funasr.chunk_interval = 0;
  EXPECT_THAT(Message(c), HasSubstr("asr.funasr.chunk_interval"));
  c = Remote("wenet", "ws://gpu:10086");
  c.wenet.nbest = 0;
  EXPECT_THAT(Message(c), HasSubstr("asr.wenet.nbest"));
  c = Remote("openai-transcriptions", "http://h/v1");
  c.openai.model = "";
  EXPECT_THAT(Message(c), HasSubstr("asr.openai.model"));
  c = Remote("whisper-server", "http://h:8080");
  c.whisper_server.temperature = 2;
  EXPECT_THAT(Message(c), HasSubstr("asr.whisper_server.temperature"));
}

TEST(AsrRemoteConfig, OptionsOfOtherEnginesAreNotChecked) {
  AsrConfig c = Remote("wenet", "ws://gpu:10086");
  c.funasr.chunk_size = {0, 0, 0};  // not the engine in use
  EXPECT_NO_THROW(c.Validate());
  AsrConfig embedded;
  embedded.funasr.mode = "nonsense";
  EXPECT_NO_THROW(embedded.Validate());
}

TEST(AsrRemoteConfig, FactoryBuildsEveryRemoteEngine) {
  for (const auto& [engine, url] : std::vector<std::pair<std::string, std::string>>{
           {"funasr", "ws://127.0.0.1:1"},
           {"wenet", "ws://127.0.0.1:1"},
           {"openai-transcriptions", "http://127.0.0.1:1/v1"},
           {"whisper-server", "http://127.0.0.1:1"}}) {
    auto asr = CreateAsr(Remote(engine, url));
    ASSERT_TRUE(asr) << engine;
    EXPECT_EQ(asr->SampleRate(), 16000);
    EXPECT_TRUE(asr->SupportsLanguage("zh"));
  }
  AsrConfig c = Remote("funasr", "ws://127.0.0.1:1");
  c.funasr.chunk_size = {5, 0, 5};
  EXPECT_EQ(ErrorOf([&] { CreateAsr(c); }).kind(), ErrorKind::kInvalidInput);
}

TEST(AsrRemoteConfig, RemoteEnginesWantSixteenKilohertz) {
  auto asr = CreateAsr(Remote("whisper-server", "http://127.0.0.1:1"));
  AudioBuffer audio;
  audio.sample_rate = 8000;
  audio.samples.assign(800, 0.0f);
  EXPECT_EQ(ErrorOf([&] { asr->Transcribe(audio, {}); }).code(), "bad_sample_rate");
}

TEST(JoinTranscript, SpacesOnlyBetweenLatinWords) {
  EXPECT_EQ(JoinTranscript("", "hello"), "hello");
  EXPECT_EQ(JoinTranscript("hello ", " world"), "hello world");
  EXPECT_EQ(JoinTranscript("你好", "世界"), "你好世界");
  EXPECT_EQ(JoinTranscript("你好", "world"), "你好world");
  EXPECT_EQ(JoinTranscript("done.", "next"), "done. next");
  EXPECT_EQ(JoinTranscript("a", ""), "a");
}

}  // namespace
}  // namespace mv
