// The openai-speech engine against the /v1/audio/speech double: raw pcm as
// it streams, wav, the bearer key, error mapping and failover.
#include "tts/tts-openai-speech.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake-openai-speech-server.h"
#include "remote-tts-test-util.h"
#include "tts-test-util.h"

namespace mv {
namespace {

using mvtest::FakeOpenAiSpeechFault;
using mvtest::FakeOpenAiSpeechOptions;
using mvtest::FakeOpenAiSpeechServer;
using test::Req;
using test::Streamed;
using ::testing::HasSubstr;

const char* kText = "your meeting starts in ten minutes";

TtsConfig SpeechConfig(const std::vector<const FakeOpenAiSpeechServer*>& servers) {
  TtsConfig c;
  c.engine = "openai-speech";
  c.voice = "af_heart";
  c.openai_speech.model = "kokoro";
  c.openai_speech.key = "sk-speech";
  c.remote.health_path = "";
  for (const auto* s : servers) c.remote.endpoints.push_back({s->base_url(), 4});
  return c;
}

TEST(OpenAiSpeechTest, StreamsRawPcmWithTheKey) {
  FakeOpenAiSpeechOptions o;
  o.key = "sk-speech";
  o.chunk_seconds = 0.05;
  FakeOpenAiSpeechServer server(o);
  TtsOpenAiSpeech tts(SpeechConfig({&server}));
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_EQ(got.rate, 24000);
  EXPECT_GT(got.chunks, 5);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  const auto r = server.requests().at(0);
  EXPECT_EQ(r.headers.at("authorization"), "Bearer sk-speech");
  EXPECT_EQ(r.body["model"], "kokoro");
  EXPECT_EQ(r.body["input"], kText);
  EXPECT_EQ(r.body["voice"], "af_heart");
  EXPECT_EQ(r.body["response_format"], "pcm");
  EXPECT_EQ(r.body["speed"], 1.0);
}

TEST(OpenAiSpeechTest, ReadsWav) {
  FakeOpenAiSpeechServer server;
  TtsConfig c = SpeechConfig({&server});
  c.openai_speech.response_format = "wav";
  TtsOpenAiSpeech tts(c);
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_EQ(got.rate, 24000);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
}

TEST(OpenAiSpeechTest, ServerTroubleFailsOverBadRequestsDoNot) {
  FakeOpenAiSpeechServer a, b;
  a.SetFault(FakeOpenAiSpeechFault::kHttp500, 0, 1);
  TtsOpenAiSpeech tts(SpeechConfig({&a, &b}));
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_EQ(b.requests().size(), 1u);
  EXPECT_FALSE(got.samples.empty());

  TtsConfig c = SpeechConfig({&a, &b});
  c.voice = "nobody";
  TtsOpenAiSpeech bad_voice(c);
  const Error e = test::CaughtError([&] { bad_voice.Synthesize(Req(kText), {}, got.Callback()); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("Invalid voice 'nobody'"));
  EXPECT_EQ(a.requests().size() + b.requests().size(), 3u);  // one more, no failover
}

TEST(OpenAiSpeechTest, ACutStreamContinuesOnTheNextServer) {
  FakeOpenAiSpeechOptions o;
  o.chunk_seconds = 0.1;
  FakeOpenAiSpeechServer a(o), b(o);
  a.SetFault(FakeOpenAiSpeechFault::kCutMidStream, 3);
  TtsOpenAiSpeech tts(SpeechConfig({&a, &b}));
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
}

TEST(OpenAiSpeechTest, SpeechUrlFromABaseUrl) {
  EXPECT_EQ(TtsOpenAiSpeech::SpeechUrl("http://h:8880/v1"), "http://h:8880/v1/audio/speech");
  EXPECT_EQ(TtsOpenAiSpeech::SpeechUrl("http://h:8880/"), "http://h:8880/v1/audio/speech");
  EXPECT_EQ(TtsOpenAiSpeech::SpeechUrl("https://api.openai.com/v1/audio/speech"),
            "https://api.openai.com/v1/audio/speech");
  EXPECT_EQ(TtsOpenAiSpeech::MapError(401, R"({"error":{"message":"Incorrect API key"}})").kind(),
            ErrorKind::kUpstream);
  EXPECT_EQ(TtsOpenAiSpeech::MapError(404, R"({"error":{"message":"no model"}})").kind(),
            ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace mv
