// The openai-transcriptions and whisper-server engines against their HTTP
// doubles (PROTOCOLS.md B5, B6): the multipart request, error shapes and
// which errors fail over, one request at a time, /health while loading.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "asr/asr-openai.h"
#include "asr/asr-whisper-server.h"
#include "fakes/fake-transcription-server.h"
#include "remote-asr-util.h"
#include "support/wer.h"

namespace mv {
namespace {

using mvtest::FakeTranscriptionFault;
using mvtest::FakeTranscriptionOptions;
using mvtest::FakeTranscriptionServer;
using mvtest::TranscriptionApi;
using test::ErrorOf;
using ::testing::HasSubstr;

FakeTranscriptionOptions Api(TranscriptionApi api, const std::string& reply = "") {
  FakeTranscriptionOptions o;
  o.api = api;
  o.reply = reply;
  return o;
}

TEST(AsrOpenAi, RequestUrlTakesTheBaseOrTheFullUrl) {
  EXPECT_EQ(AsrOpenAi::RequestUrl("http://h/v1"), "http://h/v1/audio/transcriptions");
  EXPECT_EQ(AsrOpenAi::RequestUrl("http://h/v1/"), "http://h/v1/audio/transcriptions");
  EXPECT_EQ(AsrOpenAi::RequestUrl("http://h/v1/audio/transcriptions"),
            "http://h/v1/audio/transcriptions");
  EXPECT_EQ(AsrWhisperServer::RequestUrl("http://h:8080"), "http://h:8080/inference");
  EXPECT_EQ(AsrWhisperServer::RequestUrl("http://h:8080/inference"), "http://h:8080/inference");
}

TEST(AsrOpenAi, SendsTheFormTheApiWantsAndTranscribes) {
  FakeTranscriptionOptions o = Api(TranscriptionApi::kOpenAi);
  o.key = "sk-test-123";
  FakeTranscriptionServer server(o);
  AsrConfig config = test::RemoteConfig("openai-transcriptions", {server.url()});
  config.openai.key = "sk-test-123";
  config.openai.model = "whisper-large-v3";
  config.openai.prompt = "Kitchen, lights.";
  AsrOpenAi asr(config);
  std::string text = asr.Transcribe(test::Spoken(test::kKitchen), {}).text;
  EXPECT_LE(WordErrorRate(test::kKitchen, text), 0.2) << text;
  auto r = server.requests().at(0);
  EXPECT_EQ(r.path, "/v1/audio/transcriptions");
  EXPECT_EQ(r.headers["authorization"], "Bearer sk-test-123");
  EXPECT_EQ(r.filename, "audio.wav");
  EXPECT_EQ(r.file_type, "audio/wav");
  EXPECT_EQ(r.fields["model"], "whisper-large-v3");
  EXPECT_EQ(r.fields["language"], "en");
  EXPECT_EQ(r.fields["prompt"], "Kitchen, lights.");
  EXPECT_EQ(r.fields["response_format"], "json");
}

TEST(AsrOpenAi, RequestLanguageWinsAndAutoSendsNone) {
  FakeTranscriptionServer server(Api(TranscriptionApi::kOpenAi, "你好"));
  AsrConfig config = test::RemoteConfig("openai-transcriptions", {server.url()});
  config.language = "auto";
  AsrOpenAi asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "你好");
  EXPECT_EQ(asr.TranscribeIn(test::Spoken("hi"), "zh", {}).language, "zh");
  auto requests = server.requests();
  EXPECT_EQ(requests.at(0).fields.count("language"), 0u);
  EXPECT_EQ(requests.at(1).fields["language"], "zh");
}

TEST(AsrOpenAi, BadKeyIsAnUpstreamErrorQuotingTheServer) {
  FakeTranscriptionOptions o = Api(TranscriptionApi::kOpenAi, "x");
  o.key = "right";
  FakeTranscriptionServer server(o);
  AsrConfig config = test::RemoteConfig("openai-transcriptions", {server.url()});
  config.openai.key = "wrong";
  AsrOpenAi asr(config);
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  EXPECT_THAT(e.what(), HasSubstr("HTTP 401: Incorrect API key provided."));
}

TEST(AsrOpenAi, ServerErrorsFailOverButARejectedRequestDoesNot) {
  FakeTranscriptionServer busy(Api(TranscriptionApi::kOpenAi)),
      broken(Api(TranscriptionApi::kOpenAi)), good(Api(TranscriptionApi::kOpenAi, "good answer"));
  busy.SetFault(FakeTranscriptionFault::kHttp429);
  broken.SetFault(FakeTranscriptionFault::kHttp500);
  AsrOpenAi asr(
      test::RemoteConfig("openai-transcriptions", {busy.url(), broken.url(), good.url()}));
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "good answer");
  EXPECT_EQ(asr.pool().failovers(), 2);

  FakeTranscriptionServer rejecting(Api(TranscriptionApi::kOpenAi)),
      other(Api(TranscriptionApi::kOpenAi));
  rejecting.SetFault(FakeTranscriptionFault::kHttp400);
  AsrOpenAi strict(test::RemoteConfig("openai-transcriptions", {rejecting.url(), other.url()}));
  Error e = ErrorOf([&] { strict.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("Invalid file format."));
  EXPECT_TRUE(other.requests().empty());        // another endpoint would refuse it too
  EXPECT_FALSE(strict.pool().cooling_down(0));  // and the endpoint is fine
}

TEST(AsrWhisperServer, SendsTheFormAndTrimsWhispersLeadingSpace) {
  FakeTranscriptionServer server(Api(TranscriptionApi::kWhisperCpp));
  AsrConfig config = test::RemoteConfig("whisper-server", {server.url()}, 1);
  config.whisper_server.temperature = 0.2;
  AsrWhisperServer asr(config);
  std::string text = asr.Transcribe(test::Spoken(test::kKitchen), {}).text;
  EXPECT_LE(WordErrorRate(test::kKitchen, text), 0.2) << text;
  EXPECT_NE(text.front(), ' ');
  auto r = server.requests().at(0);
  EXPECT_EQ(r.path, "/inference");
  EXPECT_EQ(r.filename, "audio.wav");
  EXPECT_EQ(r.fields["language"], "en");
  EXPECT_EQ(r.fields["temperature"], "0.2");
  EXPECT_EQ(r.fields["response_format"], "json");
}

TEST(AsrWhisperServer, ErrorShapeIsQuoted) {
  FakeTranscriptionServer server(Api(TranscriptionApi::kWhisperCpp));
  server.SetFault(FakeTranscriptionFault::kHttp500);
  AsrWhisperServer asr(test::RemoteConfig("whisper-server", {server.url()}, 1));
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  EXPECT_THAT(e.what(), HasSubstr("HTTP 500: failed to process audio"));
}

TEST(AsrWhisperServer, OneRequestAtATimePerEndpoint) {
  FakeTranscriptionOptions o = Api(TranscriptionApi::kWhisperCpp, "x");
  o.latency_ms = 100;
  FakeTranscriptionServer a(o), b(o);
  AsrWhisperServer asr(test::RemoteConfig("whisper-server", {a.url(), b.url()}, 1));
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] { EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "x"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(a.max_in_flight(), 1);
  EXPECT_EQ(b.max_in_flight(), 1);
  EXPECT_EQ(a.requests().size() + b.requests().size(), 6u);
  EXPECT_GE(a.requests().size(), 2u);  // both were used
}

TEST(AsrWhisperServer, StallingServerTimesOutAndFailsOver) {
  FakeTranscriptionServer stalling(Api(TranscriptionApi::kWhisperCpp)),
      good(Api(TranscriptionApi::kWhisperCpp, "fine"));
  stalling.SetFault(FakeTranscriptionFault::kStall);
  AsrConfig config = test::RemoteConfig("whisper-server", {stalling.url(), good.url()}, 1);
  config.remote.first_byte_timeout_ms = 300;
  AsrWhisperServer asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "fine");
  EXPECT_TRUE(asr.pool().cooling_down(0));
}

TEST(AsrWhisperServer, CoolingEndpointComesBackWhenHealthSaysOk) {
  FakeTranscriptionOptions o = Api(TranscriptionApi::kWhisperCpp, "back");
  o.loading = true;
  FakeTranscriptionServer server(o);
  server.SetFault(FakeTranscriptionFault::kHttp500, 1);
  AsrWhisperServer asr(test::RemoteConfig("whisper-server", {server.url()}, 1));
  EXPECT_EQ(ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); }).kind(), ErrorKind::kUpstream);
  EXPECT_TRUE(asr.pool().cooling_down(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(asr.pool().cooling_down(0));  // /health says 503 while loading
  o.loading = false;
  server.set_options(o);
  for (int i = 0; i < 100 && asr.pool().cooling_down(0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(asr.pool().cooling_down(0));
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "back");
}

}  // namespace
}  // namespace mv
