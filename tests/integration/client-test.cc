// `mirrorvox client` against the real server (fake LLM behind it): a spoken
// turn from a file with server VAD and with push-to-talk, a typed turn, and
// the failures a user meets. The answer WAV is checked by recognising it.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "audio/audio-encoder.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/wer.h"

namespace {

using mvtest::RunCommand;

constexpr const char* kQuestion = "please turn on the lights in the kitchen";
constexpr const char* kReply = "Okay, I will turn on the lights in the kitchen.";

// The text after "prefix: " on the first line that starts with it.
std::string LineAfter(const std::string& out, const std::string& prefix) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix + ": ", 0) == 0) return line.substr(prefix.size() + 2);
  return "";
}

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    auto say = RunCommand({MV_BINARY, "say", kQuestion, "--voice", "rms", "-o", Path("q.wav")});
    ASSERT_EQ(say.exit_code, 0) << say.err;
    mvtest::FakeLlmOptions options;
    options.default_reply = kReply;
    llm_ = new mvtest::FakeLlmServer(options);
    mvtest::WriteFile(Path("c.yaml"), "llm:\n  endpoints:\n    - url: " + llm_->base_url() + "\n");
    server_ = new mvtest::ServerProcess({"-c", Path("c.yaml")});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete llm_;
    delete dir_;
  }
  static std::string Path(const std::string& name) { return *dir_ + "/" + name; }
  static std::string Url() {
    return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/v1/realtime";
  }
  // Runs the client and checks a spoken turn: the user's words and the
  // answer's, in the transcript it printed and in the WAV it wrote.
  static void ExpectSpokenTurn(std::vector<std::string> args, const std::string& wav) {
    args.insert(args.begin(), {MV_BINARY, "client"});
    auto r = RunCommand(args, {}, 90);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err << server_->Log();
    EXPECT_LE(mv::WordErrorRate(kQuestion, LineAfter(r.out, "you")), 0.25) << r.out;
    EXPECT_EQ(LineAfter(r.out, "assistant"), kReply) << r.out;
    EXPECT_NE(LineAfter(r.out, "latency").find("first audio"), std::string::npos) << r.out;
    auto heard = RunCommand({MV_BINARY, "transcribe", wav});
    ASSERT_EQ(heard.exit_code, 0) << heard.err;
    EXPECT_LE(mv::WordErrorRate(kReply, heard.out), 0.25) << heard.out;
  }

  static std::string* dir_;
  static mvtest::FakeLlmServer* llm_;
  static mvtest::ServerProcess* server_;
};

std::string* ClientTest::dir_ = nullptr;
mvtest::FakeLlmServer* ClientTest::llm_ = nullptr;
mvtest::ServerProcess* ClientTest::server_ = nullptr;

TEST_F(ClientTest, FileTurnWithServerVad) {
  ExpectSpokenTurn({Url(), "--input", Path("q.wav"), "--output", Path("vad.wav")}, Path("vad.wav"));
}

TEST_F(ClientTest, FileTurnWithPushToTalk) {
  ExpectSpokenTurn({Url(), "--push-to-talk", "--input", Path("q.wav"), "--output", Path("ptt.wav")},
                   Path("ptt.wav"));
}

TEST_F(ClientTest, TypedTurnOverABaseUrl) {
  auto r = RunCommand({MV_BINARY, "client", "http://127.0.0.1:" + std::to_string(server_->port()),
                       "--text", "hello there", "--output", Path("text.wav")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LineAfter(r.out, "you"), "hello there") << r.out;
  EXPECT_EQ(LineAfter(r.out, "assistant"), kReply) << r.out;
  EXPECT_GT(mvtest::ReadFile(Path("text.wav")).size(), 44u + 24000u);  // > 0.5 s of audio
}

TEST_F(ClientTest, UnknownVoiceFailsWithTheServersReason) {
  auto r = RunCommand(
      {MV_BINARY, "client", Url(), "--text", "hi", "--voice", "no-such-voice", "--mute"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown_voice"), std::string::npos) << r.err;
}

// Runs `argv` and sends it SIGINT once it says "connected to" (its Ctrl-C
// handler is in place by then), however slow the machine: a fixed delay
// killed a client still starting under a sanitizer. Exit code: the client's.
mvtest::CommandResult CtrlCWhenConnected(const std::vector<std::string>& argv,
                                         const std::map<std::string, std::string>& env = {}) {
  const std::string err = mvtest::TempDir() + "/client.err";
  std::string command;
  for (const auto& a : argv) command += " '" + a + "'";
  const std::string script = command + " 2>'" + err +
                             "' & pid=$!\n"
                             "for i in $(seq 1200); do\n"
                             "  grep -q 'connected to' '" +
                             err +
                             "' && break\n"
                             "  kill -0 $pid 2>/dev/null || break\n"
                             "  sleep 0.1\n"
                             "done\n"
                             "kill -INT $pid 2>/dev/null\n"
                             "wait $pid; code=$?\n"
                             "cat '" +
                             err +
                             "' >&2\n"
                             "exit $code\n";
  return mvtest::RunCommand({"/bin/sh", "-c", script}, env, 180);
}

TEST_F(ClientTest, CtrlCClosesCleanly) {
  // 20 s of push-to-talk audio: SIGINT comes long before the turn ends.
  mv::AudioBuffer silence{std::vector<float>(20 * 16000, 0.0f), 16000};
  mvtest::WriteFile(Path("long.wav"), mv::EncodeAudio(silence, mv::AudioFormat::kWav));
  auto r = CtrlCWhenConnected({MV_BINARY, "client", Url(), "--push-to-talk", "--input",
                               Path("long.wav"), "--output", Path("int.wav")});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("interrupted: closing the session"), std::string::npos) << r.err;
}

// No sound card in CI: ALSA's null plugin (via $HOME/.asoundrc) stands in, so
// the PortAudio adapter, echo canceller and playback queue still run. It is
// not paced like a real card: nothing here depends on timing.
std::map<std::string, std::string> NullSoundCard() {
  std::string home = mvtest::TempDir();
  mvtest::WriteFile(home + "/.asoundrc", "pcm.!default {\n  type null\n}\n");
  return {{"HOME", home}};
}

TEST_F(ClientTest, TypedTurnPlaysThroughTheSoundCardAdapter) {
  auto r = RunCommand({MV_BINARY, "client", Url(), "--text", "hello there"}, NullSoundCard());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("speaker 'default'"), std::string::npos) << r.err;
  EXPECT_EQ(LineAfter(r.out, "assistant"), kReply) << r.out;
}

TEST_F(ClientTest, MicrophoneSessionWithEchoCancellationEndsCleanlyOnCtrlC) {
  // Push-to-talk with nobody pressing Enter: nothing is sent, the devices run.
  auto r = CtrlCWhenConnected({MV_BINARY, "client", Url(), "--push-to-talk"}, NullSoundCard());
  EXPECT_EQ(r.exit_code, 0) << r.err;  // an unlimited session ends with Ctrl-C
  EXPECT_NE(r.err.find("echo cancellation on"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("interrupted: closing the session"), std::string::npos) << r.err;
}

TEST(Client, RefusedConnectionIsAClearFailure) {
  auto r =
      RunCommand({MV_BINARY, "client", "ws://127.0.0.1:1/v1/realtime", "--text", "hi", "--mute"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mirrorvox serve"), std::string::npos) << r.err;
}

TEST(Client, BadOptionsAreRefusedBeforeConnecting) {
  auto r = RunCommand({MV_BINARY, "client", "localhost:8001", "--text", "hi"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid URL"), std::string::npos) << r.err;
}

TEST(Client, HelpListsTheOptions) {
  auto r = RunCommand({MV_BINARY, "client", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--push-to-talk"), std::string::npos) << r.out;
}

TEST(Client, ListDevicesWorksWithoutASoundCard) {
  auto r = RunCommand({MV_BINARY, "client", "--list-devices"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());  // devices, or "no audio devices found"
}

}  // namespace
