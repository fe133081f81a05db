// The embedded speaker encoder on the test speaker set, and the remote
// encoder's HTTP contract against a local double.
#include "voice/speaker-encoder.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "common/error.h"
#include "server/http-server.h"
#include "speaker-test-data.h"
#include "voice-test-util.h"
#include "voice/speaker-encoder-embedded.h"
#include "voice/speaker-encoder-remote.h"

namespace mv {
namespace {

const SpeakerEncoderEmbedded& Encoder() {
  static const SpeakerEncoderEmbedded encoder;
  return encoder;
}

TEST(SpeakerEncoderEmbeddedTest, EmbeddingHasAFixedLengthAndScoresItselfOne) {
  const auto e = Encoder().Embed(test::Speakers().enrol.at("slt"));
  EXPECT_EQ(e.values.size(), static_cast<std::size_t>(SpeakerEncoderEmbedded::kDimensions));
  EXPECT_GT(e.voiced_seconds, 3.0);
  EXPECT_DOUBLE_EQ(Encoder().Score(e.values, e.values), 1.0);
  EXPECT_EQ(Encoder().Score(e.values, {1.0f, 2.0f}), 0.0);  // another engine's embedding
}

TEST(SpeakerEncoderEmbeddedTest, TooLittleSpeechIsRefusedNotGuessed) {
  for (const AudioBuffer& audio : {test::Silence(3.0), test::WhiteNoise(3.0),
                                   test::Vowel(120, {500, 1500, 2500}, 0.5), AudioBuffer{}}) {
    try {
      Encoder().Embed(audio);
      ADD_FAILURE() << "embedded " << audio.DurationSeconds() << " s";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "not_enough_speech");
      EXPECT_NE(std::string(e.what()).find("not enough speech"), std::string::npos) << e.what();
    }
  }
}

TEST(SpeakerEncoderEmbeddedTest, ScoresAreSymmetricAndSeparateSpeakers) {
  const auto& data = test::Speakers();
  std::map<std::string, std::vector<float>> enrolled;
  for (const auto& [name, audio] : data.enrol) enrolled[name] = Encoder().Embed(audio).values;
  double lowest_target = 1.0, highest_impostor = 0.0;
  for (const auto& [voice, utterances] : data.tests) {
    for (const AudioBuffer& u : utterances) {
      const auto e = Encoder().Embed(u).values;
      for (const auto& [name, ref] : enrolled) {
        const double s = Encoder().Score(e, ref);
        EXPECT_NEAR(s, Encoder().Score(ref, e), 1e-9);
        if (name == voice) {
          lowest_target = std::min(lowest_target, s);
        } else {
          highest_impostor = std::max(highest_impostor, s);
        }
      }
    }
  }
  // Measured: targets >= 0.76, impostors (incl. pitch-shifted) <= 0.56.
  EXPECT_GT(lowest_target, test::kTestThreshold) << "lowest target " << lowest_target;
  EXPECT_LT(highest_impostor, test::kTestThreshold) << "highest impostor " << highest_impostor;
}

TEST(SpeakerEncoderConfigTest, ValidateNamesTheKey) {
  SpeakerEncoderConfig c;
  EXPECT_NO_THROW(c.Validate());
  const auto message = [](SpeakerEncoderConfig c) {
    try {
      c.Validate();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  c.engine = "neural";
  EXPECT_EQ(message(c).rfind("voiceprint.engine: must be embedded or remote", 0), 0u);
  c.engine = "remote";
  EXPECT_EQ(message(c).rfind("voiceprint.url: must be", 0), 0u);
  c.url = "ftp://x";
  EXPECT_EQ(message(c).rfind("voiceprint.url: must start with http", 0), 0u);
  c.url = "http://127.0.0.1:1/embed";
  c.min_speech_seconds = 0.0;
  EXPECT_EQ(message(c).rfind("voiceprint.min_speech_seconds: must be between", 0), 0u);
  c.min_speech_seconds = 1.0;
  c.timeout_ms = 0;
  EXPECT_EQ(message(c).rfind("voiceprint.timeout_ms: must be between", 0), 0u);
  EXPECT_THROW(CreateSpeakerEncoder(c), Error);
}

AudioBuffer RmsSentence() {
  return test::SpeakAs({"rms", true, "rms"}, test::kAssistantSentences[4]);
}

// A stand-in for a neural embedding service: checks what it is sent, and
// answers an "embedding" of the audio's duration and mean level.
class RemoteEncoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route(
        "POST", "/embed", [this](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> res) {
          const AudioBuffer audio = DecodeAudio(req->body);
          std::lock_guard lock(mutex_);
          content_type_ = req->Header("content-type");
          rate_ = audio.sample_rate;
          seconds_ = audio.DurationSeconds();
          res->Send(HttpResponse::Json(
              200,
              reply_.empty() ? nlohmann::json{{"embedding", {1.0, 2.0, 3.0}}}.dump() : reply_));
        });
    server_.Route("POST", "/broken", [](auto, std::shared_ptr<Responder> res) {
      res->Send(HttpResponse::Json(500, R"({"detail": "model not loaded"})"));
    });
    server_.Start();
  }
  SpeakerEncoderConfig Config(const std::string& path) {
    SpeakerEncoderConfig c;
    c.engine = "remote";
    c.url = "http://127.0.0.1:" + std::to_string(server_.port()) + path;
    c.timeout_ms = 5000;
    return c;
  }

  HttpServer server_{HttpServerOptions{}};
  std::mutex mutex_;  // guards the fields below: written on the server's I/O thread
  std::string content_type_, reply_;
  int rate_ = 0;
  double seconds_ = 0;
};

TEST_F(RemoteEncoderTest, PostsTheSpeechAsWavAndReadsTheEmbedding) {
  auto encoder = CreateSpeakerEncoder(Config("/embed"));
  EXPECT_EQ(encoder->Name(), "remote");
  // 2 s of silence around the speech are not sent.
  AudioBuffer audio = test::Silence(2.0);
  test::Append(audio, RmsSentence());
  test::Append(audio, test::Silence(2.0));
  const auto e = encoder->Embed(audio);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(e.values, (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_EQ(content_type_, "audio/wav");
  EXPECT_EQ(rate_, 16000);
  EXPECT_LT(seconds_, audio.DurationSeconds() - 3.0);
  EXPECT_DOUBLE_EQ(encoder->Score({1, 0}, {1, 0}), 1.0);  // cosine
  EXPECT_NEAR(encoder->Score({1, 0}, {0, 1}), 0.0, 1e-12);
}

TEST_F(RemoteEncoderTest, BadAnswersAreUpstreamErrorsAndSilenceIsNeverSent) {
  const AudioBuffer speech = RmsSentence();
  auto expect_code = [&](const std::string& path, const std::string& reply, ErrorKind kind) {
    {
      std::lock_guard lock(mutex_);
      reply_ = reply;
    }
    try {
      CreateSpeakerEncoder(Config(path))->Embed(speech);
      ADD_FAILURE() << path << " " << reply;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
    }
  };
  expect_code("/broken", "", ErrorKind::kUpstream);
  expect_code("/embed", R"({"vector": [1]})", ErrorKind::kUpstream);
  expect_code("/embed", R"({"embedding": []})", ErrorKind::kUpstream);
  expect_code("/embed", R"({"embedding": [1, "x"]})", ErrorKind::kUpstream);
  expect_code("/embed", "not json", ErrorKind::kUpstream);
  SpeakerEncoderConfig nobody = Config("/embed");
  nobody.url = "http://127.0.0.1:1/embed";
  try {
    CreateSpeakerEncoder(nobody)->Embed(speech);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable) << e.what();
  }
  {
    std::lock_guard lock(mutex_);
    seconds_ = 0;
  }
  EXPECT_THROW(CreateSpeakerEncoder(Config("/embed"))->Embed(test::Silence(3.0)), Error);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seconds_, 0.0);  // refused before any request
}

}  // namespace
}  // namespace mv
