// Voice identity against the real binary: the voice library over HTTP
// (enrol, list, delete, refused names, a restart), the voiceprint gate on
// /api/asr and /process_audio, identification among four speakers, and
// `voice: <id>` speaking the answer. Speakers: tests/support/speaker-set.h
// (flite slt/rms/awb/kal16; espeak-ng voices and pitch-shifted copies as
// impostors), synthesised in-process.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/speaker-set.h"
#include "support/test-http.h"
#include "support/wer.h"
#include "voice/pitch-estimator.h"

namespace {

using json = nlohmann::json;
using mv::test::TestVoice;

const TestVoice kSlt{"slt", true, "slt"}, kRms{"rms", true, "rms"}, kAwb{"awb", true, "awb"},
    kKal{"kal16", true, "kal16"};

std::string Wav(const mv::AudioBuffer& a) { return mv::EncodeAudio(a, mv::AudioFormat::kWav); }
std::string Say(const TestVoice& v, int sentence) {
  return Wav(mv::test::SpeakAs(v, mv::test::kAssistantSentences[sentence]));
}
double MedianF0(const std::string& encoded) {
  return mv::PitchEstimator().Estimate(mv::DecodeAudio(encoded)).median_f0;
}

mvtest::HttpResult Enrol(int port, const std::string& name, const std::string& wav,
                         const std::string& transcript = "") {
  std::vector<mvtest::MultipartField> fields = {{"audio", wav, "voice.wav", "audio/wav"},
                                                {"name", name, "", ""}};
  if (!transcript.empty()) fields.push_back({"transcript", transcript, "", ""});
  return mvtest::HttpPostMultipart(port, "/api/voices", fields);
}

mvtest::HttpResult Asr(int port, const std::string& wav) {
  return mvtest::HttpPostJson(port, "/api/asr", json{{"data", mv::Base64UrlEncode(wav)}}.dump());
}

class VoiceIdentityTest : public ::testing::Test {
 protected:
  // One server with the gate on (owner: slt) and identification; the
  // threshold is the one calibrated for this synthetic set (see
  // tests/unit/voice/speaker-test-data.h).
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    mvtest::WriteFile(*dir_ + "/slt.wav", Wav(mv::test::EnrolAudio(kSlt)));
    llm_ = new mvtest::FakeLlmServer();
    llm_->SetReplyFunction(
        [](const json&) { return std::string("Okay, the lights in the kitchen are on now."); });
    mvtest::WriteFile(*dir_ + "/gate.yaml",
                      "tts:\n  voice: slt\nvoiceprint:\n  enabled: true\n  threshold: 0.6\n"
                      "  identify: true\n  owners: [" +
                          *dir_ + "/slt.wav]\nlibrary:\n  dir: " + *dir_ +
                          "/voices\nllm:\n  endpoints:\n    - url: " + llm_->base_url() + "\n");
    server_ = new mvtest::ServerProcess({"-c", *dir_ + "/gate.yaml"});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete dir_;
  }
  static int Port() { return server_->port(); }

  static std::string* dir_;
  static mvtest::FakeLlmServer* llm_;
  static mvtest::ServerProcess* server_;
};
std::string* VoiceIdentityTest::dir_ = nullptr;
mvtest::FakeLlmServer* VoiceIdentityTest::llm_ = nullptr;
mvtest::ServerProcess* VoiceIdentityTest::server_ = nullptr;

TEST_F(VoiceIdentityTest, LibraryEnrolsListsDeletesAndSurvivesARestart) {
  const std::string dir = mvtest::TempDir();
  const std::vector<std::string> args = {};
  const std::map<std::string, std::string> env = {{"MIRRORVOX_LIBRARY__DIR", dir + "/lib"}};
  auto server = std::make_unique<mvtest::ServerProcess>(args, env);
  ASSERT_TRUE(server->ok()) << server->Log();
  const std::string rms = Wav(mv::test::EnrolAudio(kRms));

  auto r = Enrol(server->port(), "Robert Smith", rms);
  ASSERT_EQ(r.status, 201) << r.body;
  const json voice = json::parse(r.body);
  EXPECT_EQ(voice["id"], "robert_smith");
  EXPECT_EQ(voice["name"], "Robert Smith");
  EXPECT_GE(voice["duration"].get<double>(), 3.0);
  EXPECT_LE(voice["duration"].get<double>(), 10.0);
  // No transcript given: pocketsphinx wrote one, of the enrolment sentences
  // the reference stretch holds.
  std::set<std::string> said;
  for (const std::string& s : mv::test::EnrolSentences()) {
    for (const std::string& w : mv::NormalizeWords(s)) said.insert(w);
  }
  const auto heard = mv::NormalizeWords(voice["transcript"]);
  ASSERT_GE(heard.size(), 6u) << voice["transcript"];
  EXPECT_GE(std::count_if(heard.begin(), heard.end(), [&](const auto& w) { return said.count(w); }),
            static_cast<long>(heard.size() * 0.7))
      << voice["transcript"];
  r = Enrol(server->port(), "alice", Wav(mv::test::EnrolAudio(kAwb)), "given words");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body)["transcript"], "given words");

  // Taken ids, malicious names, bad uploads.
  EXPECT_EQ(Enrol(server->port(), "ROBERT smith", rms).status, 409);
  const std::vector<std::string> malicious = {
      "../x",    "a/b", "",     std::string(200, 'a'), "CON", "mirror",
      ".hidden", "..",  "a\\b", "caf\xc3\xa9"};
  for (const std::string& name : malicious) {
    auto bad = Enrol(server->port(), name, rms);
    EXPECT_EQ(bad.status, 400) << "'" << name << "': " << bad.body;
    EXPECT_TRUE(json::parse(bad.body)["error"].is_object()) << bad.body;
  }
  EXPECT_EQ(Enrol(server->port(), "quiet", Wav(mv::test::SpeakAs(kRms, "hi"))).status, 400);
  EXPECT_EQ(Enrol(server->port(), "junk", "not audio").status, 400);
  EXPECT_EQ(
      mvtest::HttpPostMultipart(server->port(), "/api/voices", {{"name", "x", "", ""}}).status,
      400);
  EXPECT_FALSE(std::filesystem::exists(dir + "/x"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/lib/x"));

  const auto list = mvtest::HttpGet(server->port(), "/api/voices");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(json::parse(list.body)["voices"].size(), 2u) << list.body;
  auto audio = mvtest::HttpGet(server->port(), "/api/voices/robert_smith/audio");
  ASSERT_EQ(audio.status, 200);
  EXPECT_NEAR(mv::DecodeAudio(audio.body).DurationSeconds(), voice["duration"].get<double>(), 0.01);
  EXPECT_EQ(mvtest::HttpGet(server->port(), "/api/voices/nobody").status, 404);
  EXPECT_EQ(mvtest::HttpGet(server->port(), "/api/voices/..%2F..%2Fetc").status, 400);

  // A restart: the same voices, byte for byte the same listing.
  server.reset();
  server = std::make_unique<mvtest::ServerProcess>(args, env);
  ASSERT_TRUE(server->ok()) << server->Log();
  EXPECT_EQ(mvtest::HttpGet(server->port(), "/api/voices").body, list.body);

  EXPECT_EQ(mvtest::HttpRequest("DELETE", server->port(), "/api/voices/alice").status, 200);
  EXPECT_EQ(mvtest::HttpRequest("DELETE", server->port(), "/api/voices/alice").status, 404);
  EXPECT_EQ(mvtest::HttpRequest("DELETE", server->port(), "/api/voices/..").status, 400);
  EXPECT_EQ(json::parse(mvtest::HttpGet(server->port(), "/api/voices").body)["voices"].size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir + "/lib/alice"));
}

TEST_F(VoiceIdentityTest, GateAnswersTheOwnerAndRefusesStrangers) {
  auto owner = Asr(Port(), Say(kSlt, 4));
  ASSERT_EQ(owner.status, 200) << owner.body;
  ASSERT_TRUE(json::parse(owner.body).is_string()) << owner.body;
  EXPECT_LE(mv::WordErrorRate(mv::test::kAssistantSentences[4], json::parse(owner.body)), 0.3);
  EXPECT_EQ(owner.headers["x-voiceprint"], "accepted");
  EXPECT_EQ(owner.headers["x-speaker"], "slt");
  const std::vector<TestVoice> strangers = {
      kRms, kKal, {"espeak", false, "en+f2"}, {"slt+4st", true, "slt", 4.0}};
  for (const TestVoice& v : strangers) {
    auto r = Asr(Port(), Say(v, 5));
    EXPECT_EQ(r.status, 200) << v.name;
    EXPECT_EQ(r.body, "null") << v.name;  // as the original answers a stranger
    EXPECT_EQ(r.headers["x-voiceprint"], "rejected") << v.name;
  }
  // Too little speech to tell: null too, and the header says why.
  auto silence = Asr(Port(), Wav(mv::test::SpeakAs(kSlt, "hi")));
  EXPECT_EQ(silence.body, "null");
  EXPECT_EQ(silence.headers["x-voiceprint"], "not_enough_speech");

  // /process_audio: a stranger gets 403 {"error": "..."} before any turn.
  const int chats = llm_->chat_requests();
  auto refused = mvtest::HttpPostMultipart(
      Port(), "/process_audio", {{"audio", Say(kRms, 4), "q.wav", ""}, {"language", "en", "", ""}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(json::parse(refused.body)["error"].is_string()) << refused.body;
  EXPECT_EQ(llm_->chat_requests(), chats);
  // The owner is answered, and the LLM is told who speaks.
  auto answered = mvtest::HttpPostMultipart(
      Port(), "/process_audio", {{"audio", Say(kSlt, 0), "q.wav", ""}, {"language", "en", "", ""}});
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(answered.headers["x-speaker"], "slt");
  const json request = llm_->requests().back().body;
  EXPECT_EQ(request["messages"][0]["role"], "system");
  EXPECT_NE(request["messages"][0]["content"].get<std::string>().find("The speaker is slt."),
            std::string::npos)
      << request.dump();
}

TEST_F(VoiceIdentityTest, IdentifiesFourSpeakersAndNoImpostor) {
  // slt is the owner; three more speakers join through the library.
  for (const TestVoice& v : {kRms, kAwb, kKal}) {
    mvtest::HttpRequest("DELETE", Port(), "/api/voices/" + v.name);
    auto r = Enrol(Port(), v.name, Wav(mv::test::EnrolAudio(v)), "enrolment");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  for (const TestVoice& v : {kSlt, kRms, kAwb, kKal}) {
    for (int sentence : {4, 10}) {
      auto r = Asr(Port(), Say(v, sentence));
      EXPECT_EQ(r.headers["x-speaker"], v.name) << "score " << r.headers["x-speaker-score"];
      EXPECT_EQ(r.body == "null", v.name != "slt") << v.name;  // only the owner passes the gate
    }
  }
  for (const TestVoice& v : mv::test::ImpostorVoices()) {
    auto r = Asr(Port(), Say(v, 5));
    EXPECT_EQ(r.headers["x-speaker"], "unknown")
        << v.name << " taken for " << r.headers["x-speaker"] << " " << r.headers["x-speaker-score"];
    EXPECT_EQ(r.body, "null") << v.name;
  }
  for (const TestVoice& v : {kRms, kAwb, kKal})
    mvtest::HttpRequest("DELETE", Port(), "/api/voices/" + v.name);
}

TEST_F(VoiceIdentityTest, LibraryVoiceSpeaksTheAnswer) {
  mvtest::HttpRequest("DELETE", Port(), "/api/voices/deep");
  const std::string rms = Wav(mv::test::EnrolAudio(kRms));
  ASSERT_EQ(Enrol(Port(), "deep", rms).status, 201);
  const double rms_f0 = MedianF0(rms), slt_f0 = MedianF0(Say(kSlt, 0));
  ASSERT_GT(slt_f0, rms_f0 * 1.3);

  auto chat = mvtest::HttpPostJson(
      Port(), "/api/chat",
      json{{"msg", {{{"role", "user"}, {"content", "hi"}}}}, {"voice", "deep"}}.dump());
  ASSERT_EQ(chat.status, 200) << chat.body;
  const auto events = mvtest::SseData(chat.body);
  ASSERT_GE(events.size(), 2u);
  const double answer =
      MedianF0(mv::Base64Decode(json::parse(events[0])["file"].get<std::string>()));
  EXPECT_NEAR(answer / rms_f0, 1.0, 0.10)
      << "answer " << answer << " Hz, voice " << rms_f0 << " Hz";

  // /process_audio: the owner asks, the library voice answers.
  auto spoken = mvtest::HttpPostMultipart(Port(), "/process_audio",
                                          {{"audio", Say(kSlt, 0), "q.wav", ""},
                                           {"language", "en", "", ""},
                                           {"voice", "deep", "", ""}});
  ASSERT_EQ(spoken.status, 200) << spoken.body;
  EXPECT_NEAR(MedianF0(spoken.body) / rms_f0, 1.0, 0.10);

  auto unknown = mvtest::HttpPostJson(
      Port(), "/api/chat",
      json{{"msg", {{{"role", "user"}, {"content", "hi"}}}}, {"voice", "nobody"}}.dump());
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto bad = mvtest::HttpPostMultipart(
      Port(), "/process_audio",
      {{"audio", Say(kSlt, 0), "q.wav", ""}, {"voice", "../etc", "", ""}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(json::parse(bad.body)["error"].is_string()) << bad.body;
  mvtest::HttpRequest("DELETE", Port(), "/api/voices/deep");
}

}  // namespace
