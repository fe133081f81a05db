// The gpt-sovits engine against the api_v2 double: streaming with odd byte
// splits, every request field, the streaming_mode fallback, the mid-stream
// failure quirk and failover, error mapping, weights, references staged
// into the shared folder, and the per-endpoint limit.
#include "tts/tts-gpt-sovits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "fakes/fake-gpt-sovits-server.h"
#include "remote-tts-test-util.h"
#include "tts-test-util.h"

namespace mv {
namespace {

using mvtest::FakeGptSovitsFault;
using mvtest::FakeGptSovitsOptions;
using mvtest::FakeGptSovitsServer;
using test::Req;
using test::Streamed;
using ::testing::HasSubstr;

const char* kText = "the lights in the kitchen are on now";

class GptSovitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempFolder("gsv");
    ref_ = test::WriteSpeechWav(dir_ + "/ref.wav", 4.0);
  }

  TtsConfig Config(const std::vector<const FakeGptSovitsServer*>& servers) {
    TtsConfig c = test::GptSovitsConfig(ref_);
    for (const auto* s : servers) c.remote.endpoints.push_back({s->base_url(), 1});
    return c;
  }

  std::string dir_, ref_;
};

TEST_F(GptSovitsTest, StreamsPcmCutAtOddBytesAtTheModelRate) {
  FakeGptSovitsOptions o;
  o.chunk_seconds = 0.05;
  FakeGptSovitsServer server(o);
  TtsGptSovits tts(Config({&server}));
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());
  EXPECT_EQ(got.rate, 32000);  // v2
  EXPECT_GT(got.chunks, 5);    // passed on as it came, not at the end
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 32000)), 1e-6f);
  EXPECT_EQ(server.texts(), std::vector<std::string>{kText});
}

TEST_F(GptSovitsTest, SendsEveryTuningField) {
  FakeGptSovitsServer server;
  TtsConfig c = Config({&server});
  c.gpt_sovits.top_k = 7;
  c.gpt_sovits.top_p = 0.8;
  c.gpt_sovits.speed_factor = 1.25;
  c.gpt_sovits.text_split_method = "cut0";
  c.gpt_sovits.aux_ref_audio_paths = {"/aux/a.wav"};
  c.gpt_sovits.seed = 42;
  c.gpt_sovits.sample_steps = 16;
  TtsGptSovits tts(c);
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());
  const auto p = server.requests().at(0).params;
  EXPECT_EQ(server.requests()[0].method, "POST");
  EXPECT_EQ(p["text"], kText);
  EXPECT_EQ(p["text_lang"], "en");
  EXPECT_EQ(p["ref_audio_path"], ref_);
  EXPECT_EQ(p["prompt_text"], "this is my voice");
  EXPECT_EQ(p["prompt_lang"], "en");  // from prompt_text's script
  EXPECT_EQ(p["aux_ref_audio_paths"], nlohmann::json::array({"/aux/a.wav"}));
  EXPECT_EQ(p["top_k"], 7);
  EXPECT_EQ(p["top_p"], 0.8);
  EXPECT_EQ(p["temperature"], 1.0);
  EXPECT_EQ(p["text_split_method"], "cut0");
  EXPECT_EQ(p["batch_size"], 1);
  EXPECT_EQ(p["batch_threshold"], 0.75);
  EXPECT_EQ(p["split_bucket"], true);
  EXPECT_EQ(p["speed_factor"], 1.25);
  EXPECT_EQ(p["fragment_interval"], 0.3);
  EXPECT_EQ(p["seed"], 42);
  EXPECT_EQ(p["media_type"], "wav");
  EXPECT_EQ(p["streaming_mode"], 3);  // auto: the fastest
  EXPECT_EQ(p["parallel_infer"], true);
  EXPECT_EQ(p["repetition_penalty"], 1.35);
  EXPECT_EQ(p["sample_steps"], 16);
  EXPECT_EQ(p["super_sampling"], false);
}

TEST_F(GptSovitsTest, RouteLanguageWinsOverTheFixedTextLang) {
  FakeGptSovitsServer server;
  TtsConfig c = Config({&server});
  c.gpt_sovits.text_lang = "zh";  // as a legacy GSV section says
  TtsGptSovits tts(c);
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());             // no language
  tts.Synthesize(Req(kText, "en"), CancelToken(), got.Callback());       // tts.language
  tts.Synthesize(Req(kText, "english"), CancelToken(), got.Callback());  // a route's own
  const auto r = server.requests();
  EXPECT_EQ(r[0].params["text_lang"], "zh");
  EXPECT_EQ(r[1].params["text_lang"], "zh");
  EXPECT_EQ(r[2].params["text_lang"], "en");
}

TEST_F(GptSovitsTest, AutoStreamingModeFallsBackToABoolOnOlderServers) {
  FakeGptSovitsOptions o;
  o.bool_streaming_only = true;
  FakeGptSovitsServer server(o);
  TtsGptSovits tts(Config({&server}));
  Streamed first, second;
  tts.Synthesize(Req(kText), CancelToken(), first.Callback());
  tts.Synthesize(Req(kText), CancelToken(), second.Callback());
  const auto r = server.requests();
  ASSERT_EQ(r.size(), 3u);  // 3 refused (422), then true, and true at once next time
  EXPECT_EQ(r[0].status, 422);
  EXPECT_EQ(r[1].params["streaming_mode"], true);
  EXPECT_EQ(r[2].params["streaming_mode"], true);
  EXPECT_EQ(first.samples, second.samples);
  EXPECT_FALSE(tts.pool().cooling_down(0));
}

TEST_F(GptSovitsTest, NonStreamingReadsTheWholeWavAtItsRate) {
  FakeGptSovitsOptions o;
  o.version = "v3";
  FakeGptSovitsServer server(o);
  TtsConfig c = Config({&server});
  c.gpt_sovits.streaming_mode = "false";
  TtsGptSovits tts(c);
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());
  EXPECT_EQ(server.requests()[0].params["streaming_mode"], false);
  EXPECT_EQ(got.rate, 24000);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 24000)), 1e-6f);
}

TEST_F(GptSovitsTest, MidStreamFailureFailsOverWithoutSilenceOrRepeats) {
  FakeGptSovitsOptions o;
  o.chunk_seconds = 0.1;
  FakeGptSovitsServer broken(o), good(o);
  broken.SetFault(FakeGptSovitsFault::kFailMidStream, /*after_pieces=*/5);
  TtsGptSovits tts(Config({&broken, &good}));
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());
  // The second second of zeros never reached us, and what the first server
  // had sent is not repeated: the audio is exactly the sentence.
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 32000)), 1e-6f);
  EXPECT_LT(got.LongestZeroRun(), 16000u);
  EXPECT_TRUE(broken.requests().at(0).cut);
  EXPECT_EQ(good.requests().size(), 1u);
  EXPECT_EQ(tts.pool().failovers(), 1);
  EXPECT_TRUE(tts.pool().cooling_down(0));
}

TEST_F(GptSovitsTest, ServerErrorsFailOverRequestErrorsDoNot) {
  FakeGptSovitsServer a, b;
  a.SetFault(FakeGptSovitsFault::kHttp500, 0, 1);
  TtsGptSovits tts(Config({&a, &b}));
  Streamed got;
  tts.Synthesize(Req(kText), CancelToken(), got.Callback());
  EXPECT_EQ(a.requests().size(), 1u);
  EXPECT_EQ(b.requests().size(), 1u);
  EXPECT_FALSE(got.samples.empty());

  // A language this version lacks: 400, the request's fault, no failover.
  FakeGptSovitsOptions v1;
  v1.version = "v1";
  FakeGptSovitsServer c(v1), d(v1);
  TtsConfig config = Config({&c, &d});
  config.gpt_sovits.text_lang = "ko";
  TtsGptSovits old(config);
  const Error e = test::CaughtError([&] { old.Synthesize(Req(kText), {}, got.Callback()); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(e.what(), HasSubstr("text_lang: ko is not supported in version v1"));
  EXPECT_EQ(c.requests().size() + d.requests().size(), 1u);
}

// Streaming: the server's 200 comes before its reference check, so the
// stream closes empty; asked again whole, the 400 says why. Nobody cools down.
TEST_F(GptSovitsTest, AReferenceOutsideThreeToTenSecondsIsTheRequestsFault) {
  FakeGptSovitsServer a, b;
  TtsConfig c = Config({&a, &b});
  c.gpt_sovits.ref_audio_path = test::WriteSpeechWav(dir_ + "/long.wav", 12.0);
  TtsGptSovits tts(c);
  Streamed got;
  const Error e = test::CaughtError([&] { tts.Synthesize(Req(kText), {}, got.Callback()); });
  EXPECT_EQ(e.code(), "bad_reference");
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  const auto& asked = a.requests().empty() ? b : a;
  ASSERT_EQ(asked.requests().size(), 2u);  // the stream, then the same request whole
  EXPECT_EQ(a.requests().size() + b.requests().size(), 2u);
  EXPECT_EQ(asked.requests()[0].status, 200);
  EXPECT_TRUE(asked.requests()[0].cut);
  EXPECT_EQ(asked.requests()[1].params["streaming_mode"], false);
  EXPECT_EQ(asked.requests()[1].status, 400);
  EXPECT_FALSE(tts.pool().cooling_down(0));
  EXPECT_FALSE(tts.pool().cooling_down(1));
  EXPECT_EQ(tts.pool().failovers(), 0);
  EXPECT_TRUE(got.samples.empty());
}

// A request's own reference (emotion clip, library voice) the server
// refuses: the segment is still spoken, in the default voice.
TEST_F(GptSovitsTest, ARefusedReferenceFallsBackToTheDefaultForThatSegment) {
  for (const char* locale : {"zh_CN", "zh_TW", "ja_JP", "en_US", "es_ES", "fr_FR", "pt_BR"}) {
    SCOPED_TRACE(locale);
    FakeGptSovitsOptions o;
    o.locale = locale;
    FakeGptSovitsServer server(o);
    TtsGptSovits tts(Config({&server}));
    for (const std::string& clip :
         {test::WriteSpeechWav(dir_ + "/short.wav", 2.0), dir_ + "/missing.wav"}) {
      auto ref = std::make_shared<VoiceReference>();
      ref->id = "emotion:" + clip;
      ref->wav_path = clip;
      ref->transcript = "a clip";
      Streamed got;
      const std::size_t before = server.requests().size();
      tts.Synthesize(TtsRequest{kText, "", "", ref}, {}, got.Callback());
      EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 32000)), 1e-6f);
      const auto r = server.requests();
      ASSERT_EQ(r.size() - before, 3u);
      EXPECT_EQ(r[before].params["ref_audio_path"], clip);      // streamed: 200, empty
      EXPECT_EQ(r[before + 1].params["ref_audio_path"], clip);  // whole: the 400
      EXPECT_EQ(r[before + 1].status, 400);
      EXPECT_EQ(r[before + 2].params["ref_audio_path"], ref_);  // the default voice
      EXPECT_EQ(r[before + 2].params["prompt_text"], "this is my voice");
      EXPECT_FALSE(tts.pool().cooling_down(0));
    }
  }
}

// api_v2 without streaming: a failure inside the model is a 200 with exactly
// 1 s of zeros at 16 kHz. A failed segment, never a second of silence.
TEST_F(GptSovitsTest, OneSecondOfSixteenKilohertzZerosIsAFailure) {
  FakeGptSovitsServer broken, good;
  broken.SetFault(FakeGptSovitsFault::kFailMidStream);
  TtsConfig c = Config({&broken});
  c.gpt_sovits.streaming_mode = "false";
  {
    TtsGptSovits alone(c);
    Streamed got;
    const Error e = test::CaughtError([&] { alone.Synthesize(Req(kText), {}, got.Callback()); });
    EXPECT_EQ(e.code(), "gpt_sovits_silent_failure");
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
    EXPECT_TRUE(got.samples.empty());  // not one zero passed on
    EXPECT_EQ(broken.requests().back().status, 200);
  }
  c.remote.endpoints.push_back({good.base_url(), 1});
  TtsGptSovits tts(c);
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_EQ(got.rate, 32000);
  EXPECT_LT(test::MaxDifference(got.samples, test::ExpectedSpeech(kText, 32000)), 1e-6f);
  EXPECT_EQ(good.requests().size(), 1u);
}

// v3/v4 models refuse a reference without its transcript: the request's
// fault (mirrorvox transcribes references at start-up to avoid it).
TEST_F(GptSovitsTest, AVersion3ModelRefusesAnEmptyPromptText) {
  FakeGptSovitsOptions v3;
  v3.version = "v3";
  FakeGptSovitsServer server(v3);
  TtsConfig c = Config({&server});
  c.gpt_sovits.prompt_text = "";
  TtsGptSovits tts(c);
  Streamed got;
  const Error e = test::CaughtError([&] { tts.Synthesize(Req(kText), {}, got.Callback()); });
  EXPECT_EQ(e.code(), "prompt_text_required");
  EXPECT_FALSE(tts.pool().cooling_down(0));
  c.gpt_sovits.prompt_text = "this is my voice";
  TtsGptSovits with_text(c);
  with_text.Synthesize(Req(kText), {}, got.Callback());
  EXPECT_EQ(got.rate, 24000);
}

TEST_F(GptSovitsTest, WeightsAreSetAtStartAndAgainAfterADownEndpointComesBack) {
  FakeGptSovitsServer up, down;
  down.Refuse();
  TtsConfig c = Config({&up, &down});
  c.gpt_sovits.gpt_weight = "GPT_weights_v2/maid-e15.ckpt";
  c.gpt_sovits.sovits_weight = "SoVITS_weights_v2/maid_e24.pth";
  TtsGptSovits tts(c);
  EXPECT_EQ(up.weight_calls(),
            (std::vector<std::string>{"/set_gpt_weights=GPT_weights_v2/maid-e15.ckpt",
                                      "/set_sovits_weights=SoVITS_weights_v2/maid_e24.pth"}));
  down.Resume();
  EXPECT_TRUE(down.weight_calls().empty());
  // The next request that lands on it sets them first.
  Streamed got;
  tts.Synthesize(Req(kText), {}, got.Callback());  // up (least recently used tie: first)
  tts.Synthesize(Req(kText), {}, got.Callback());  // down
  EXPECT_EQ(down.weight_calls().size(), 2u);
  EXPECT_EQ(down.requests().size(), 1u);

  FakeGptSovitsOptions refusing;
  refusing.refuse_weights = true;
  FakeGptSovitsServer bad(refusing);
  TtsConfig bad_config = Config({&bad});
  bad_config.gpt_sovits.gpt_weight = "missing.ckpt";
  const Error e = test::CaughtError([&] { TtsGptSovits refused(bad_config); });
  EXPECT_EQ(e.code(), "weights_refused");
  EXPECT_THAT(e.what(), HasSubstr("tts.gpt_sovits.gpt_weight 'missing.ckpt'"));
}

TEST_F(GptSovitsTest, ReferencesAreStagedInTheSharedFolder) {
  FakeGptSovitsServer server;
  TtsConfig c = Config({&server});
  // The TTS host sees the folder under another name (a link stands in for NFS).
  const std::string local = dir_ + "/share", remote = dir_ + "/as-seen-by-tts";
  std::filesystem::create_directories(local);
  std::filesystem::create_directory_symlink(local, remote);
  c.gpt_sovits.share_dir = local;
  c.gpt_sovits.share_dir_remote = remote;
  TtsGptSovits tts(c);

  auto caller = std::make_shared<VoiceReference>();
  caller->id = "caller:1234";
  caller->transcript = "please turn on the lights";
  caller->audio =
      std::make_shared<AudioBuffer>(mvtest::FakeSpeech("please turn on the lights", 16000));
  ASSERT_LT(caller->audio->DurationSeconds(), 3.0);  // short: padded, transcript kept
  TtsRequest r = Req(kText);
  r.reference = caller;
  Streamed got;
  tts.Synthesize(r, {}, got.Callback());
  auto p = server.requests().at(0).params;
  const std::string name = SharedReferenceDir::FileName("caller:1234");
  EXPECT_EQ(p["ref_audio_path"], remote + "/" + name);
  EXPECT_EQ(p["prompt_text"], "please turn on the lights");
  EXPECT_EQ(p["prompt_lang"], "en");
  EXPECT_EQ(p["aux_ref_audio_paths"], nlohmann::json::array());
  const double seconds = mvtest::AudioFileSeconds(local + "/" + name);
  EXPECT_GE(seconds, 3.0);
  EXPECT_LE(seconds, 10.0);

  // A long clip is cut to 3-10 s; its transcript no longer matches, so none is sent.
  auto long_ref = std::make_shared<VoiceReference>();
  long_ref->id = "voice:long";
  long_ref->wav_path = test::WriteSpeechWav(dir_ + "/long.wav", 14.0);
  long_ref->transcript = "a transcript of all fourteen seconds";
  r.reference = long_ref;
  tts.Synthesize(r, {}, got.Callback());
  p = server.requests().at(1).params;
  EXPECT_EQ(p["prompt_text"], "");
  EXPECT_EQ(server.requests().at(1).status, 200);  // the server accepted its length
  const double cut =
      mvtest::AudioFileSeconds(local + "/" + SharedReferenceDir::FileName("voice:long"));
  EXPECT_GE(cut, 3.0);
  EXPECT_LE(cut, 10.0);
  // No temp files left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(local)) {
    EXPECT_EQ(entry.path().extension(), ".wav") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST_F(GptSovitsTest, WithoutASharedFolderAPathGoesAsItIsAndAClipInMemoryFallsBack) {
  FakeGptSovitsServer server;
  TtsGptSovits tts(Config({&server}));
  auto emotion = std::make_shared<VoiceReference>();
  emotion->id = "emotion:happy";
  emotion->wav_path = "/on/the/tts/host/happy.wav";
  emotion->transcript = "今天天气真好";
  TtsRequest r = Req(kText);
  r.reference = emotion;
  Streamed got;
  // The double has no such file: refused (asked again whole to read why),
  // then spoken in the default voice.
  tts.Synthesize(r, {}, got.Callback());
  EXPECT_FALSE(got.samples.empty());
  EXPECT_EQ(server.requests().at(0).params["ref_audio_path"], "/on/the/tts/host/happy.wav");
  EXPECT_EQ(server.requests().at(0).params["prompt_lang"], "zh");
  EXPECT_EQ(server.requests().at(1).params["ref_audio_path"], "/on/the/tts/host/happy.wav");
  EXPECT_EQ(server.requests().at(1).status, 400);
  EXPECT_EQ(server.requests().at(2).params["ref_audio_path"], ref_);

  auto caller = std::make_shared<VoiceReference>();
  caller->id = "caller:1";
  caller->audio = std::make_shared<AudioBuffer>(mvtest::FakeSpeech("hello there", 16000));
  r.reference = caller;
  tts.Synthesize(r, {}, got.Callback());
  EXPECT_EQ(server.requests().at(3).params["ref_audio_path"], ref_);  // the default voice
}

TEST_F(GptSovitsTest, OneRequestAtATimePerEndpoint) {
  FakeGptSovitsOptions o;
  o.first_chunk_ms = 50;
  FakeGptSovitsServer a(o), b(o);
  TtsGptSovits tts(Config({&a, &b}));
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      Streamed got;
      tts.Synthesize(Req("hello"), {}, got.Callback());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(a.max_in_flight(), 1);
  EXPECT_EQ(b.max_in_flight(), 1);
  EXPECT_EQ(a.requests().size() + b.requests().size(), 6u);
  EXPECT_GE(a.requests().size(), 2u);  // both served
  EXPECT_GE(b.requests().size(), 2u);
}

TEST_F(GptSovitsTest, CancelStopsTheRequest) {
  FakeGptSovitsOptions o;
  o.chunk_seconds = 0.05;
  o.chunk_ms = 20;
  FakeGptSovitsServer server(o);
  TtsGptSovits tts(Config({&server}));
  int chunks = 0;
  const Error e = test::CaughtError([&] {
    tts.Synthesize(Req(kText), {}, [&](const float*, std::size_t, int) { return ++chunks < 3; });
  });
  EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  EXPECT_EQ(chunks, 3);
  EXPECT_FALSE(tts.pool().cooling_down(0));
  EXPECT_EQ(tts.pool().busy(0), 0);
}

TEST(GptSovitsErrors, MapsApiV2Answers) {
  auto map = [](int status, const std::string& body) {
    return TtsGptSovits::MapError(status, body);
  };
  EXPECT_EQ(map(400, R"({"message":"text is required"})").kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(map(400, R"({"message":"tts failed","Exception":"CUDA out of memory"})").kind(),
            ErrorKind::kUpstream);
  // The bad-reference message in every locale api_v2 renders it in.
  for (const char* exception :
       {"参考音频在3~10秒范围外，请更换！", "參考音頻在3~10秒範圍外，請更換！",
        "参照音声が3～10秒の範囲外です。別の音声に変更してください！",
        "Reference audio is outside the 3-10 second range, please choose another one!",
        "El audio de referencia está fuera del rango de 3 a 10 segundos, ¡por favor cámbielo!",
        "Veuillez remplacer l'audio de référence si sa durée est en dehors de la plage de 3 à 10 "
        "secondes!",
        "O áudio de referência está fora do intervalo de 3 a 10 segundos. Por favor, substitua!",
        "[Errno 2] No such file or directory: 'ref/missing.wav'"}) {
    const Error e =
        map(400, nlohmann::json{{"message", "tts failed"}, {"Exception", exception}}.dump());
    EXPECT_EQ(e.code(), "bad_reference") << exception;
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << exception;
  }
  EXPECT_EQ(
      map(400,
          R"({"message":"tts failed","Exception":"prompt_text cannot be empty when using SoVITS_V3"})")
          .code(),
      "prompt_text_required");
  const Error typed =
      map(422, R"({"detail":[{"loc":["body","top_k"],"msg":"Input should be a valid integer"}]})");
  EXPECT_EQ(typed.kind(), ErrorKind::kInvalidInput);
  EXPECT_THAT(typed.what(), HasSubstr("body.top_k: Input should be a valid integer"));
  EXPECT_EQ(map(422, R"({"detail":[{"loc":["body","streaming_mode"],"msg":"bool"}]})").code(),
            "streaming_mode_rejected");
  EXPECT_EQ(map(500, "Internal Server Error").kind(), ErrorKind::kUpstream);
  EXPECT_EQ(map(404, R"({"detail":"Not Found"})").kind(), ErrorKind::kUpstream);
}

}  // namespace
}  // namespace mv
