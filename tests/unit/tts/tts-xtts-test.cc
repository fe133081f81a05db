// The xtts engine against both server doubles: xtts-api-server (streamed
// GET /tts_stream and whole POST /tts_to_audio/, the unsupported-language
// 500) and xtts-streaming-server (latents cloned once per voice, then
// POST /tts_stream).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "fakes/fake-xtts-server.h"
#include "remote-tts-test-util.h"
#include "tts-test-util.h"
#include "tts/tts-xtts-api.h"
#include "tts/tts-xtts-streaming.h"

namespace mv {
namespace {

using mvtest::FakeXttsFault;
using mvtest::FakeXttsFlavor;
using mvtest::FakeXttsOptions;
using mvtest::FakeXttsServer;
using test::Req;
using test::Streamed;
using ::testing::HasSubstr;

const char* kText = "the weather is sunny today";

TtsConfig XttsConfig(const std::vector<const FakeXttsServer*>& servers, const std::string& server,
                     const std::string& speaker) {
  TtsConfig c;
  c.engine = "xtts";
  c.xtts.server = server;
  c.xtts.speaker = speaker;
  c.remote.health_path = "";
  c.remote.cooldown_ms = 60000;
  for (const auto* s : servers) c.remote.endpoints.push_back({s->base_url(), 1});
  return c;
}

TEST(XttsApiTest, StreamsTheAnswerOfTtsStream) {
  FakeXttsOptions o;
  o.chunk_seconds = 0.05;
  FakeXttsServer server(o);
  TtsXttsApi tts(XttsConfig({&server}, "api", "female"));
  Streamed got;
  tts.Synthesize(Req(kText, "en"), {}, got.Callback());
  EXPECT_EQ(got.rate, 24000);
  EXPECT_GT(got.chunks, 5);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  const auto r = server.requests().at(0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/tts_stream");
  EXPECT_EQ(r.params["text"], kText);
  EXPECT_EQ(r.params["speaker_wav"], "female");
  EXPECT_EQ(r.params["language"], "en");
}

// Started with -ms api / apiManual: /tts_stream is refused; that endpoint
// answers whole files from then on.
TEST(XttsApiTest, AServerWithoutLocalModelsIsAskedForWholeFiles) {
  FakeXttsOptions o;
  o.model_source = "apiManual";
  FakeXttsServer server(o);
  TtsXttsApi tts(XttsConfig({&server}, "api", "female"));
  for (int turn = 0; turn < 2; ++turn) {
    Streamed got;
    tts.Synthesize(Req(kText, "en"), {}, got.Callback());
    EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  }
  const auto r = server.requests();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].path, "/tts_stream");
  EXPECT_EQ(r[0].status, 400);
  EXPECT_EQ(r[1].path, "/tts_to_audio/");
  EXPECT_EQ(r[2].path, "/tts_to_audio/");  // remembered
  EXPECT_FALSE(tts.pool().cooling_down(0));
}

// /tts_stream answers 200 before it looks the speaker up, then drops: the
// whole-file route names the fault, the request's, and the segment speaks
// as the configured speaker.
TEST(XttsApiTest, AnUnknownSpeakerIsTheRequestsFaultAndFallsBackToTheDefault) {
  FakeXttsServer server;
  TtsXttsApi tts(XttsConfig({&server}, "api", "female"));
  auto ref = std::make_shared<VoiceReference>();
  ref->id = "emotion:ghost";
  ref->wav_path = "/nowhere/ghost.wav";
  Streamed got;
  tts.Synthesize(TtsRequest{kText, "en", "", ref}, {}, got.Callback());
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  const auto r = server.requests();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].params["speaker_wav"], "/nowhere/ghost.wav");
  EXPECT_EQ(r[0].status, 200);  // and dropped
  EXPECT_EQ(r[1].path, "/tts_to_audio/");
  EXPECT_EQ(r[1].status, 500);
  EXPECT_EQ(r[2].params["speaker_wav"], "female");
  EXPECT_FALSE(tts.pool().cooling_down(0));
  EXPECT_EQ(tts.pool().failovers(), 0);
  // The configured speaker itself unknown: the request's fault, no cool-down.
  TtsXttsApi wrong(XttsConfig({&server}, "api", "nobody"));
  const Error e =
      test::CaughtError([&] { wrong.Synthesize(Req(kText, "en"), {}, got.Callback()); });
  EXPECT_EQ(e.code(), "unknown_speaker");
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_FALSE(wrong.pool().cooling_down(0));
}

// Started with --streaming-mode, the server plays the speech itself and
// answers a stock second of silence: a clear configuration error.
TEST(XttsApiTest, AServerThatPlaysTheSpeechItselfIsAConfigurationError) {
  FakeXttsOptions o;
  o.streaming_mode = true;
  FakeXttsServer server(o);
  TtsConfig c = XttsConfig({&server}, "api", "female");
  c.xtts.stream = false;
  TtsXttsApi tts(c);
  Streamed got;
  const Error e = test::CaughtError([&] { tts.Synthesize(Req(kText, "en"), {}, got.Callback()); });
  EXPECT_EQ(e.code(), "xtts_streaming_mode");
  EXPECT_THAT(e.what(), HasSubstr("--streaming-mode"));
  EXPECT_TRUE(got.samples.empty());
}

TEST(XttsApiTest, WholeFilesComeFromTtsToAudioWithItsTrailingSlash) {
  FakeXttsServer server;
  TtsConfig c = XttsConfig({&server}, "api", "male");
  c.xtts.stream = false;
  TtsXttsApi tts(c);
  Streamed got;
  tts.Synthesize(Req(kText, "zh"), {}, got.Callback());  // zh -> zh-cn
  const auto r = server.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/tts_to_audio/");
  EXPECT_EQ(r.params["language"], "zh-cn");
  EXPECT_EQ(got.rate, 24000);
  EXPECT_FALSE(got.samples.empty());
}

TEST(XttsApiTest, AnUnsupportedLanguageFailsOnceInsteadOfFailingOver) {
  FakeXttsOptions o;
  o.languages = {"en"};  // an older model: the server refuses the rest
  FakeXttsServer a(o), b(o);
  for (bool stream : {false, true}) {
    TtsConfig c = XttsConfig({&a, &b}, "api", "female");
    c.xtts.stream = stream;
    TtsXttsApi tts(c);
    Streamed got;
    const auto before = a.requests().size() + b.requests().size();
    const Error e =
        test::CaughtError([&] { tts.Synthesize(Req(kText, "de"), {}, got.Callback()); });
    EXPECT_EQ(e.code(), "unsupported_language") << e.what();  // the 500 quirk, and the 400
    EXPECT_EQ(a.requests().size() + b.requests().size(), before + 1);
    EXPECT_FALSE(tts.pool().cooling_down(0));
    EXPECT_FALSE(tts.pool().cooling_down(1));
  }
  // A language XTTS never speaks is refused before any request.
  TtsXttsApi tts(XttsConfig({&a}, "api", "female"));
  Streamed got;
  const auto before = a.requests().size();
  EXPECT_EQ(
      test::CaughtError([&] { tts.Synthesize(Req(kText, "tlh"), {}, got.Callback()); }).code(),
      "unsupported_language");
  EXPECT_EQ(a.requests().size(), before);
}

TEST(XttsApiTest, ACutStreamFailsOverToTheNextServer) {
  FakeXttsOptions o;
  o.chunk_seconds = 0.1;
  FakeXttsServer a(o), b(o);
  a.SetFault(FakeXttsFault::kCutMidStream, 4);
  TtsXttsApi tts(XttsConfig({&a, &b}, "api", "female"));
  Streamed got;
  tts.Synthesize(Req(kText, "en"), {}, got.Callback());
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  EXPECT_EQ(tts.pool().failovers(), 1);
}

TEST(XttsApiTest, ReferencesGoThroughTheSharedFolder) {
  FakeXttsServer server;
  const std::string dir = test::TempFolder("xtts-share");
  TtsConfig c = XttsConfig({&server}, "api", "female");
  c.xtts.share_dir = c.xtts.share_dir_remote = dir;
  TtsXttsApi tts(c);
  auto ref = std::make_shared<VoiceReference>();
  ref->id = "caller:77";
  ref->audio =
      std::make_shared<AudioBuffer>(mvtest::FakeSpeech("my own voice for this answer", 16000));
  TtsRequest r = Req(kText, "en");
  r.reference = ref;
  Streamed got;
  tts.Synthesize(r, {}, got.Callback());
  EXPECT_EQ(server.requests().at(0).params["speaker_wav"],
            dir + "/" + SharedReferenceDir::FileName("caller:77"));
  EXPECT_EQ(server.requests().at(0).status, 200);
}

class XttsStreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempFolder("xtts-streaming");
    speaker_ = test::WriteSpeechWav(dir_ + "/speaker.wav", 5.0);
  }
  std::string dir_, speaker_;
};

TEST_F(XttsStreamingTest, ClonesEachVoiceOnceThenStreams) {
  FakeXttsOptions o;
  o.flavor = FakeXttsFlavor::kStreaming;
  o.chunk_seconds = 0.05;
  FakeXttsServer server(o);
  TtsConfig c = XttsConfig({&server}, "streaming", speaker_);
  c.xtts.stream_chunk_size = 15;
  TtsXttsStreaming tts(c);
  Streamed got;
  tts.Synthesize(Req(kText, "en"), {}, got.Callback());
  EXPECT_EQ(got.rate, 24000);
  EXPECT_GT(got.chunks, 5);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
  tts.Synthesize(Req("again", "en"), {}, got.Callback());
  EXPECT_EQ(server.clones().size(), 1u);  // the default voice, once

  auto ref = std::make_shared<VoiceReference>();
  ref->id = "caller:5";
  ref->audio = std::make_shared<AudioBuffer>(mvtest::FakeSpeech("a caller speaking", 16000));
  TtsRequest r = Req(kText, "en");
  r.reference = ref;
  tts.Synthesize(r, {}, got.Callback());
  tts.Synthesize(r, {}, got.Callback());
  EXPECT_EQ(server.clones().size(), 2u);  // the caller's voice, once
  EXPECT_EQ(tts.clones(), 2);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].voice, "clip0");
  EXPECT_EQ(requests[1].voice, "clip0");
  EXPECT_EQ(requests[2].voice, "clip1");
  EXPECT_EQ(requests[0].params["add_wav_header"], true);
  EXPECT_EQ(requests[0].params["stream_chunk_size"], "15");  // a string, as the server wants
  EXPECT_EQ(requests[0].params["language"], "en");
  EXPECT_EQ(requests[2].status, 200);
  // The clone got the clip as a WAV file of 3-15 s.
  const std::string wav = server.clones()[1];
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
}

TEST_F(XttsStreamingTest, AnUnreadableDefaultSpeakerFailsAtStart) {
  FakeXttsOptions o;
  o.flavor = FakeXttsFlavor::kStreaming;
  FakeXttsServer server(o);
  const Error e = test::CaughtError(
      [&] { TtsXttsStreaming tts(XttsConfig({&server}, "streaming", dir_ + "/none.wav")); });
  EXPECT_THAT(e.what(), HasSubstr("tts.xtts.speaker: cannot read"));
}

TEST(XttsErrors, MapsTheDetailShapes) {
  EXPECT_EQ(
      TtsXttsApi::MapError(
          500, R"({"detail":"Error: Language code sent is either unsupported or misspelled."})")
          .code(),
      "unsupported_language");
  EXPECT_EQ(TtsXttsApi::MapError(500, R"({"detail":"Error: CUDA out of memory"})").kind(),
            ErrorKind::kUpstream);
  EXPECT_EQ(TtsXttsApi::MapError(422, R"({"detail":[{"msg":"Field required"}]})").kind(),
            ErrorKind::kInvalidInput);
  EXPECT_EQ(TtsXttsApi::MapError(500, "Internal Server Error").kind(), ErrorKind::kUpstream);
}

}  // namespace
}  // namespace mv
