// Whose voice and which words: mirror voice in /process_audio, emotion tags
// choosing extra_ref_audio, and speak-only-quoted mode, checked by measuring
// the audio that comes back (median F0, recognised words).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"
#include "voice/pitch-estimator.h"

namespace {

using json = nlohmann::json;

double MedianF0(const std::string& encoded) {
  return mv::PitchEstimator().Estimate(mv::DecodeAudio(encoded)).median_f0;
}

class VoicePipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    for (const char* voice : {"rms", "slt"}) {
      auto r = mvtest::RunCommand({MV_BINARY, "say", "please turn on the lights in the kitchen",
                                   "--voice", voice, "-o", *dir_ + "/" + voice + ".wav"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    llm_ = new mvtest::FakeLlmServer();
    // The default voice is slt (high); [low] answers in the rms clip's voice.
    mvtest::WriteFile(*dir_ + "/c.yaml",
                      "tts:\n  voice: slt\n  extra_ref_audio:\n    low: [" + *dir_ +
                          "/rms.wav, please turn on the lights in the kitchen]\n"
                          "llm:\n  endpoints:\n    - url: " + llm_->base_url() + "\n");
    mvtest::WriteFile(*dir_ + "/quoted.yaml",
                      "pipeline:\n  speak_only_quoted: true\nllm:\n  endpoints:\n    - url: " +
                          llm_->base_url() + "\n");
    server_ = new mvtest::ServerProcess({"-c", *dir_ + "/c.yaml"});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete dir_;
  }
  static std::vector<json> Chat(int port, const std::string& reply) {
    llm_->PushReply(reply);
    auto r = mvtest::HttpPostJson(port, "/api/chat",
                                  R"({"msg": [{"role": "user", "content": "hi"}]})");
    std::vector<json> out;
    for (const auto& e : mvtest::SseData(r.body)) out.push_back(json::parse(e));
    return out;
  }

  static std::string* dir_;
  static mvtest::FakeLlmServer* llm_;
  static mvtest::ServerProcess* server_;
};
std::string* VoicePipelineTest::dir_ = nullptr;
mvtest::FakeLlmServer* VoicePipelineTest::llm_ = nullptr;
mvtest::ServerProcess* VoicePipelineTest::server_ = nullptr;

TEST_F(VoicePipelineTest, ProcessAudioAnswersInTheCallersVoice) {
  llm_->SetReplyFunction([](const json&) {
    return std::string("Okay, the lights in the kitchen are on now. Anything else?");
  });
  for (const char* voice : {"rms", "slt"}) {
    std::string question = mvtest::ReadFile(*dir_ + "/" + voice + ".wav");
    auto r = mvtest::HttpPostMultipart(server_->port(), "/process_audio",
                                       {{"audio", question, "q.wav", "audio/wav"},
                                        {"language", "english", "", ""}});
    ASSERT_EQ(r.status, 200) << r.body;
    double caller = MedianF0(question), answer = MedianF0(r.body);
    EXPECT_NEAR(answer / caller, 1.0, 0.10) << voice << ": caller " << caller << " Hz, answer "
                                            << answer << " Hz";
  }
  llm_->SetReplyFunction(nullptr);
}

TEST_F(VoicePipelineTest, EmotionTagSelectsItsReferenceVoiceForThatSegment) {
  auto events = Chat(server_->port(),
                     "[low]I am so glad to hear that, it really made my day today. "
                     "[unknown]This part uses the default voice because the tag is unknown.");
  ASSERT_GE(events.size(), 3u);
  double slt = MedianF0(mvtest::ReadFile(*dir_ + "/slt.wav"));
  double rms = MedianF0(mvtest::ReadFile(*dir_ + "/rms.wav"));
  ASSERT_GT(slt, rms * 1.3);  // the two voices are far apart
  double tagged = MedianF0(mv::Base64Decode(events[0]["file"].get<std::string>()));
  double plain = MedianF0(mv::Base64Decode(events[events.size() - 2]["file"].get<std::string>()));
  EXPECT_NEAR(tagged / rms, 1.0, 0.10) << "tagged " << tagged << " rms " << rms;
  EXPECT_NEAR(plain / slt, 1.0, 0.10) << "plain " << plain << " slt " << slt;
  // Tags are never spoken nor lost from the text.
  EXPECT_EQ(events.back()["message"].get<std::string>().rfind("[low]", 0), 0u);
}

TEST_F(VoicePipelineTest, SpeakOnlyQuotedSpeaksOnlyTheQuotes) {
  mvtest::ServerProcess quoted({"-c", *dir_ + "/quoted.yaml"});
  ASSERT_TRUE(quoted.ok()) << quoted.Log();
  const std::string reply =
      "(smiles warmly) She looks up from her book and says \"Good morning, my friend.\" "
      "Then she goes back to reading quietly by the window.";
  auto events = Chat(quoted.port(), reply);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back()["message"], reply);  // the whole text still comes back
  std::string spoken_audio;
  double seconds = 0;
  std::string heard;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    std::string wav = mv::Base64Decode(events[i]["file"].get<std::string>());
    seconds += mv::DecodeAudio(wav).DurationSeconds();
    auto r = mvtest::HttpPostJson(quoted.port(), "/api/asr",
                                  json{{"data", mv::Base64Encode(wav)}}.dump());
    heard += json::parse(r.body).get<std::string>() + " ";
  }
  EXPECT_LT(seconds, 2.5);  // the narration (about 6 s) is not spoken
  EXPECT_LE(mv::WordErrorRate("good morning my friend", heard), 0.5) << heard;
}

}  // namespace
