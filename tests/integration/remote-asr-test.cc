// The real binary with each remote ASR engine (README "Remote ASR") against
// the protocol doubles: flite speech in through /api/asr and /process_audio,
// the text back (the doubles transcribe what reached them), failover past a
// refused, erroring or stalling endpoint, FunASR offline vs 2pass and both
// is_final flavours, WeNet's double-encoded nbest, Chinese requests, and a
// bad chunk_size refused by `config check`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio-decoder.h"
#include "common/base64.h"
#include "fakes/fake-funasr-server.h"
#include "fakes/fake-llm-server.h"
#include "fakes/fake-transcription-server.h"
#include "fakes/fake-wenet-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;
using mvtest::FakeFunAsrFault;
using mvtest::FakeFunAsrServer;
using mvtest::FakeTranscriptionFault;
using mvtest::FakeTranscriptionServer;
using mvtest::FakeWenetFault;
using mvtest::FakeWenetServer;
using mvtest::TranscriptionApi;

const char* kQuestion = "please turn on the lights in the kitchen";

class RemoteAsrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    auto r =
        mvtest::RunCommand({MV_BINARY, "say", kQuestion, "--voice", "rms", "-o", *dir_ + "/q.wav"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    llm_ = new mvtest::FakeLlmServer();
    llm_->SetReplyFunction([](const json& req) {
      std::string user = req["messages"].back()["content"];
      return std::string(user.find("kitchen") != std::string::npos ? "Okay, the lights are on."
                                                                   : "Sorry?");
    });
  }
  static void TearDownTestSuite() {
    delete llm_;
    delete dir_;
  }

  // A server whose asr section names `engine`, `endpoints` (YAML list
  // items) and `extra` (lines of further asr keys, indented two spaces).
  static std::unique_ptr<mvtest::ServerProcess> Start(const std::string& engine,
                                                      const std::vector<std::string>& endpoints,
                                                      const std::string& extra = "") {
    std::string yaml = "asr:\n  engine: " + engine + "\n  endpoints:\n";
    for (const auto& e : endpoints) yaml += "    - " + e + "\n";
    yaml += extra + "llm:\n  endpoints:\n    - {url: " + llm_->base_url() + ", model: fake-llm}\n";
    const std::string path = *dir_ + "/" + engine + ".yaml";
    mvtest::WriteFile(path, yaml);
    auto server = std::make_unique<mvtest::ServerProcess>(std::vector<std::string>{"-c", path});
    EXPECT_TRUE(server->ok()) << server->Log();
    return server;
  }

  static std::string Slots(const std::string& url, int max_concurrency) {
    return "{url: " + url + ", max_concurrency: " + std::to_string(max_concurrency) + "}";
  }

  static std::string Wav() { return mvtest::ReadFile(*dir_ + "/q.wav"); }

  // POST /api/asr (PROTOCOLS.md A1): the transcript, or "<status body>".
  static std::string Asr(int port) {
    auto r =
        mvtest::HttpPostJson(port, "/api/asr", json{{"data", mv::Base64UrlEncode(Wav())}}.dump());
    if (r.status != 200) return "<" + std::to_string(r.status) + " " + r.body + ">";
    return json::parse(r.body).get<std::string>();
  }

  // POST /process_audio (A2): the spoken answer must come back.
  static void ExpectSpokenAnswer(int port, const std::string& language) {
    auto r = mvtest::HttpPostMultipart(
        port, "/process_audio",
        {{"audio", Wav(), "q.wav", "audio/wav"}, {"language", language, "", ""}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["content-type"], "audio/wav");
    EXPECT_GT(mv::DecodeAudio(r.body).DurationSeconds(), 0.3);
    // The transcript reached the LLM.
    std::string user = llm_->requests().back().body["messages"].back()["content"];
    EXPECT_LE(mv::WordErrorRate(kQuestion, user), 0.2) << user;
  }

  static std::string* dir_;
  static mvtest::FakeLlmServer* llm_;
};
std::string* RemoteAsrTest::dir_ = nullptr;
mvtest::FakeLlmServer* RemoteAsrTest::llm_ = nullptr;

TEST_F(RemoteAsrTest, FunAsrOfflineFailsOverPastRefusedAndDroppingServers) {
  FakeFunAsrServer dropping, good;
  dropping.SetFault(FakeFunAsrFault::kDrop);
  auto server = Start("funasr", {"ws://127.0.0.1:1", dropping.url(), Slots(good.url(), 4)},
                      "  funasr:\n    mode: offline\n");
  std::string heard = Asr(server->port());
  EXPECT_LE(mv::WordErrorRate(kQuestion, heard), 0.2) << heard << "\n" << server->Log();
  EXPECT_EQ(dropping.sessions().size(), 1u);
  ASSERT_EQ(good.sessions().size(), 1u);
  EXPECT_EQ(good.sessions()[0].start["mode"], "offline");
  ExpectSpokenAnswer(server->port(), "english");
  ExpectSpokenAnswer(server->port(), "chinese");  // a remote engine serves any language
  EXPECT_EQ(dropping.sessions().size(), 1u);      // cooling down: not asked again
}

TEST_F(RemoteAsrTest, FunAsrTwoPassPythonFlavourPastAStallingServer) {
  FakeFunAsrServer silent;
  silent.SetFault(FakeFunAsrFault::kSilent);
  mvtest::FakeFunAsrOptions python;
  python.flavour = mvtest::FunAsrFlavour::kPython;
  FakeFunAsrServer good(python);
  // The stall is told from a slow answer by a timeout 10x what the double's
  // pocketsphinx needs on a busy machine.
  auto server = Start("funasr", {silent.url(), good.url()},
                      "  first_byte_timeout_ms: 10000\n"
                      "  funasr:\n    mode: 2pass\n    chunk_size: [8, 8, 4]\n");
  std::string heard = Asr(server->port());
  EXPECT_LE(mv::WordErrorRate(kQuestion, heard), 0.2) << heard << "\n" << server->Log();
  EXPECT_EQ(heard.find("partial"), std::string::npos);  // 2pass-online partials are not kept
  auto s = good.sessions().at(0);
  EXPECT_EQ(s.start["mode"], "2pass");
  EXPECT_EQ(s.start["chunk_size"], json({8, 8, 4}));
  EXPECT_EQ(s.sent.back()["mode"], "2pass-offline");
  EXPECT_EQ(s.sent.back()["is_final"], true);  // inverted: never trusted
  EXPECT_EQ(silent.sessions().size(), 1u);
}

TEST_F(RemoteAsrTest, WenetDoubleEncodedNbestPastAFailingServer) {
  FakeWenetServer failing, good;
  failing.SetFault(FakeWenetFault::kFailed);
  auto server =
      Start("wenet", {failing.url(), good.url()}, "  wenet:\n    continuous_decoding: true\n");
  std::string heard = Asr(server->port());
  EXPECT_LE(mv::WordErrorRate(kQuestion, heard), 0.2) << heard << "\n" << server->Log();
  auto s = good.sessions().at(0);
  EXPECT_EQ(s.start["continuous_decoding"], true);
  EXPECT_TRUE(s.sent.at(1)["nbest"].is_string());  // after server_ready
  EXPECT_EQ(failing.sessions().size(), 1u);
  ExpectSpokenAnswer(server->port(), "chinese");
}

TEST_F(RemoteAsrTest, OpenAiTranscriptionsPastAServerError) {
  mvtest::FakeTranscriptionOptions o;
  o.api = TranscriptionApi::kOpenAi;
  o.key = "sk-integration-key-0001";
  FakeTranscriptionServer broken(o), good(o);
  broken.SetFault(FakeTranscriptionFault::kHttp500);
  auto server = Start("openai-transcriptions", {broken.url(), good.url()},
                      "  openai:\n    model: whisper-1\n    key: " + o.key + "\n");
  std::string heard = Asr(server->port());
  EXPECT_LE(mv::WordErrorRate(kQuestion, heard), 0.2) << heard << "\n" << server->Log();
  ExpectSpokenAnswer(server->port(), "chinese");
  auto requests = good.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer " + o.key);
  EXPECT_EQ(requests[0].fields["language"], "en");  // asr.language
  EXPECT_EQ(requests[1].fields["language"], "zh");  // the request's
  EXPECT_EQ(requests[1].filename, "audio.wav");
  // Its health check (any answer below 500 on "/") may bring it back between
  // the two requests on a slow machine; each try still failed over.
  EXPECT_GE(broken.requests().size(), 1u);
  EXPECT_LE(broken.requests().size(), 2u);
}

TEST_F(RemoteAsrTest, WhisperServerOneAtATimePastAStallingServer) {
  mvtest::FakeTranscriptionOptions o;
  o.api = TranscriptionApi::kWhisperCpp;
  FakeTranscriptionServer stalling(o), good(o);
  stalling.SetFault(FakeTranscriptionFault::kStall);
  // 10x the double's transcription time on a busy machine: a slow answer is
  // never abandoned (which freed its slot while the double still worked).
  auto server = Start("whisper-server", {Slots(stalling.url(), 1), Slots(good.url(), 1)},
                      "  first_byte_timeout_ms: 10000\n");
  std::string heard = Asr(server->port());
  EXPECT_LE(mv::WordErrorRate(kQuestion, heard), 0.2) << heard << "\n" << server->Log();
  std::vector<std::thread> threads;
  std::vector<std::string> got(3);
  for (int i = 0; i < 3; ++i) threads.emplace_back([&, i] { got[i] = Asr(server->port()); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_LE(mv::WordErrorRate(kQuestion, g), 0.2) << g;
  EXPECT_EQ(good.requests().size(), 4u);
  EXPECT_EQ(good.max_in_flight(), 1);  // whisper.cpp decodes one at a time
  // Its /health says ok, so it may be back in rotation for the later ones.
  EXPECT_GE(stalling.requests().size(), 1u);
}

TEST_F(RemoteAsrTest, BadFunAsrChunkSizeIsRefusedAtConfigCheck) {
  for (const char* chunk : {"[5, 0, 5]", "[5, 10]", "[5, 10, 5, 5]"}) {
    const std::string path = *dir_ + "/bad-chunk.yaml";
    mvtest::WriteFile(path, std::string("asr:\n  engine: funasr\n  endpoints: [ws://127.0.0.1:1]\n"
                                        "  funasr:\n    chunk_size: ") +
                                chunk + "\n");
    auto r = mvtest::RunCommand({MV_BINARY, "config", "check", "-c", path});
    EXPECT_NE(r.exit_code, 0) << chunk;
    EXPECT_NE(
        r.err.find("asr.funasr.chunk_size: must be exactly 3 integers with a non-zero middle"),
        std::string::npos)
        << r.err;
  }
}

}  // namespace
