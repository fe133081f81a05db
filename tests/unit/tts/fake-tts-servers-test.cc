// The TTS doubles themselves speak their peers' protocols (PROTOCOLS.md B1,
// B2, B5), quirks included: checked here with a plain HTTP client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <future>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "fakes/fake-gpt-sovits-server.h"
#include "fakes/fake-openai-speech-server.h"
#include "fakes/fake-xtts-server.h"
#include "net/http-client.h"
#include "remote-tts-test-util.h"

namespace mv {
namespace {

using json = nlohmann::json;

HttpClient& TestClient() {
  static HttpClient client(2);
  return client;
}
using ::testing::HasSubstr;

uint32_t U32(const std::string& s, std::size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

ClientResponse Post(const std::string& url, const json& body) {
  ClientRequest r;
  r.method = "POST";
  r.url = url;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body.dump();
  return TestClient().Fetch(r);
}

class FakeGptSovitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ref_ = test::WriteSpeechWav(test::TempFolder("fake-gsv") + "/ref.wav", 4.0);
  }
  json Body(const std::string& text, json mode = 3) {
    return {{"text", text},
            {"text_lang", "en"},
            {"ref_audio_path", ref_},
            {"prompt_lang", "en"},
            {"media_type", "wav"},
            {"streaming_mode", mode},
            {"prompt_text", "this is my voice"}};
  }
  std::string ref_;
};

TEST_F(FakeGptSovitsTest, StreamsAHeaderWithDataSizeZeroThenPcm) {
  mvtest::FakeGptSovitsOptions o;
  o.version = "v4";
  mvtest::FakeGptSovitsServer server(o);
  const ClientResponse r = Post(server.base_url() + "/tts", Body("hello there"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "audio/wav");
  ASSERT_GT(r.body.size(), 44u);
  EXPECT_EQ(r.body.substr(0, 4), "RIFF");
  EXPECT_EQ(U32(r.body, 4), 36u);      // RIFF size of an empty file
  EXPECT_EQ(U32(r.body, 40), 0u);      // data size unknown
  EXPECT_EQ(U32(r.body, 24), 48000u);  // v4
  EXPECT_EQ((r.body.size() - 44) % 2, 0u);
}

TEST_F(FakeGptSovitsTest, RefusesLikeApiV2) {
  mvtest::FakeGptSovitsServer server;
  json missing = Body("hi");
  missing.erase("text_lang");
  ClientResponse r = Post(server.base_url() + "/tts", missing);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["message"], "text_lang is required");
  json typed = Body("hi");
  typed["top_k"] = "many";
  r = Post(server.base_url() + "/tts", typed);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["detail"][0]["loc"][1], "top_k");
  json short_ref = Body("hi");
  short_ref["ref_audio_path"] =
      test::WriteSpeechWav(test::TempFolder("fake-gsv") + "/short.wav", 2.0);
  short_ref["streaming_mode"] = false;  // streamed, the answer has started (see below)
  r = Post(server.base_url() + "/tts", short_ref);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["message"], "tts failed");
  EXPECT_THAT(json::parse(r.body)["Exception"].get<std::string>(), HasSubstr("3~10"));
}

TEST_F(FakeGptSovitsTest, StreamingStartsBeforeTheReferenceIsChecked) {
  mvtest::FakeGptSovitsServer server;
  json bad = Body("hi");
  bad["ref_audio_path"] = test::WriteSpeechWav(test::TempFolder("fake-gsv") + "/short.wav", 2.0);
  bad["streaming_mode"] = 3;
  try {
    Post(server.base_url() + "/tts", bad);
    FAIL() << "the stream was not cut";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  }
  EXPECT_EQ(server.requests().at(0).status, 200);
  EXPECT_TRUE(server.requests().at(0).cut);
  bad["streaming_mode"] = false;  // whole: the 400
  ClientResponse r = Post(server.base_url() + "/tts", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(json::parse(r.body)["Exception"].get<std::string>(), HasSubstr("3~10"));
}

TEST_F(FakeGptSovitsTest, BadReferenceMessagesComeInTheServersLocale) {
  mvtest::FakeGptSovitsOptions o;
  o.locale = "fr_FR";
  mvtest::FakeGptSovitsServer server(o);
  json bad = Body("hi");
  bad["ref_audio_path"] = test::WriteSpeechWav(test::TempFolder("fake-gsv") + "/short.wav", 2.0);
  bad["streaming_mode"] = false;
  ClientResponse r = Post(server.base_url() + "/tts", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(json::parse(r.body)["Exception"].get<std::string>(), HasSubstr("3 à 10"));
}

TEST_F(FakeGptSovitsTest, WholeAnswerOfAFailedModelIsOneSecondOfZerosAt16k) {
  mvtest::FakeGptSovitsServer server;
  server.SetFault(mvtest::FakeGptSovitsFault::kFailMidStream);
  json whole = Body("the kitchen lights are on");
  whole["streaming_mode"] = false;
  ClientResponse r = Post(server.base_url() + "/tts", whole);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(U32(r.body, 24), 16000u);
  EXPECT_EQ(r.body.size(), 44u + 32000u);
  EXPECT_EQ(r.body.substr(44), std::string(32000, '\0'));
}

TEST_F(FakeGptSovitsTest, Version3RefusesAnEmptyPromptText) {
  mvtest::FakeGptSovitsOptions o;
  o.version = "v3";
  mvtest::FakeGptSovitsServer server(o);
  json body = Body("hi");
  body["prompt_text"] = "";
  body["streaming_mode"] = false;
  ClientResponse r = Post(server.base_url() + "/tts", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(json::parse(r.body)["Exception"].get<std::string>(),
              HasSubstr("prompt_text cannot be empty"));
}

TEST_F(FakeGptSovitsTest, MidStreamFailureSendsASecondOfZerosAndCuts) {
  mvtest::FakeGptSovitsServer server;
  server.SetFault(mvtest::FakeGptSovitsFault::kFailMidStream, 2);
  try {
    Post(server.base_url() + "/tts", Body("the kitchen lights are on"));
    FAIL() << "the stream was not cut";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  }
  EXPECT_TRUE(server.requests().at(0).cut);
}

TEST_F(FakeGptSovitsTest, ServesOneRequestAtATime) {
  mvtest::FakeGptSovitsOptions o;
  o.first_chunk_ms = 150;
  mvtest::FakeGptSovitsServer server(o);
  auto a =
      std::async(std::launch::async, [&] { return Post(server.base_url() + "/tts", Body("one")); });
  auto b =
      std::async(std::launch::async, [&] { return Post(server.base_url() + "/tts", Body("two")); });
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(b.get().status, 200);
  const auto r = server.requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(server.max_in_flight(), 2);  // both were held at once...
  const auto& first = r[0].started < r[1].started ? r[0] : r[1];
  const auto& second = r[0].started < r[1].started ? r[1] : r[0];
  EXPECT_GE(second.started, first.finished);  // ...but served one after the other
}

TEST(FakeXttsServerTest, WrapsABadLanguageIntoA500) {
  mvtest::FakeXttsServer server;
  const ClientResponse r = Post(server.base_url() + "/tts_to_audio/",
                                {{"text", "hi"}, {"speaker_wav", "female"}, {"language", "xx"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(json::parse(r.body)["detail"].get<std::string>(), HasSubstr("unsupported"));
}

ClientResponse Get(const std::string& url) {
  ClientRequest r;
  r.method = "GET";
  r.url = url;
  return TestClient().Fetch(r);
}

TEST(FakeXttsServerTest, OnlyLocalModelsStream) {
  mvtest::FakeXttsOptions o;
  o.model_source = "api";
  mvtest::FakeXttsServer server(o);
  const ClientResponse r =
      Get(server.base_url() + "/tts_stream?text=hi&speaker_wav=female&language=en");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["detail"], "HTTP Streaming is only supported for local models.");
  EXPECT_EQ(Post(server.base_url() + "/tts_to_audio/",
                 {{"text", "hi"}, {"speaker_wav", "female"}, {"language", "en"}})
                .status,
            200);
}

TEST(FakeXttsServerTest, AnUnknownSpeakerIsA500WholeAndADroppedStream) {
  mvtest::FakeXttsServer server;
  const ClientResponse whole = Post(server.base_url() + "/tts_to_audio/",
                                    {{"text", "hi"}, {"speaker_wav", "ghost"}, {"language", "en"}});
  EXPECT_EQ(whole.status, 500);
  EXPECT_EQ(json::parse(whole.body)["detail"], "Error: Speaker ghost not found.");
  try {
    Get(server.base_url() + "/tts_stream?text=hi&speaker_wav=ghost&language=en");
    FAIL() << "the stream was not dropped";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  }
  EXPECT_EQ(server.requests().back().status, 200);
}

TEST(FakeXttsServerTest, StreamingModeAnswersTheStockSecondOfSilence) {
  mvtest::FakeXttsOptions o;
  o.streaming_mode = true;
  mvtest::FakeXttsServer server(o);
  const ClientResponse r =
      Post(server.base_url() + "/tts_to_audio/",
           {{"text", "hello there"}, {"speaker_wav", "female"}, {"language", "en"}});
  ASSERT_EQ(r.status, 200);
  const AudioBuffer a = DecodeAudio(r.body);
  EXPECT_EQ(a.sample_rate, 48000);
  EXPECT_NEAR(a.DurationSeconds(), 0.966, 0.001);
  for (float v : a.samples) ASSERT_EQ(v, 0.0f);
}

TEST(FakeOpenAiSpeechServerTest, AnswersErrorsInTheOpenAiShape) {
  mvtest::FakeOpenAiSpeechOptions o;
  o.key = "k";
  mvtest::FakeOpenAiSpeechServer server(o);
  const ClientResponse r = Post(server.base_url() + "/audio/speech",
                                {{"model", "tts-1"}, {"input", "hi"}, {"voice", "alloy"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "invalid_api_key");
}

}  // namespace
}  // namespace mv
