// The CLI a newcomer uses: say, transcribe, config check, --help.
#include <gtest/gtest.h>

#include "support/server-process.h"
#include "support/wer.h"

namespace {

using mvtest::RunCommand;

TEST(Cli, SayThenTranscribeTheKitchenSentence) {
  std::string dir = mvtest::TempDir();
  auto say = RunCommand({MV_BINARY, "say", "please turn on the lights in the kitchen", "--voice",
                         "rms", "-o", dir + "/q.wav"});
  ASSERT_EQ(say.exit_code, 0) << say.err;
  auto r = RunCommand({MV_BINARY, "transcribe", dir + "/q.wav", "--lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "please turn on the lights in the kitchen\n");
}

TEST(Cli, SayMandarinWritesSpeech) {
  std::string dir = mvtest::TempDir();
  auto r = RunCommand({MV_BINARY, "say", "你好，今天天气很好。", "--lang", "zh", "-o", dir + "/zh.wav"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string wav = mvtest::ReadFile(dir + "/zh.wav");
  ASSERT_GT(wav.size(), 44u + 16000);  // more than half a second of 16-bit audio
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
}

TEST(Cli, TranscribeMissingFileFailsClearly) {
  auto r = RunCommand({MV_BINARY, "transcribe", "/nonexistent/file.wav"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/file.wav"), std::string::npos) << r.err;
}

TEST(Cli, ConfigCheckPrintsResolvedConfigWithSecretsMasked) {
  std::string dir = mvtest::TempDir();
  mvtest::WriteFile(dir + "/c.yaml",
                    "llm:\n  endpoints:\n    - url: http://127.0.0.1:9/v1\n      key: "
                    "sk-verysecretkey123456\n      model: m\n");
  auto r = RunCommand({MV_BINARY, "config", "check", "-c", dir + "/c.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("port: 8001"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sk-verysecretkey123456"), std::string::npos) << r.out;
}

TEST(Cli, ConfigCheckNamesTheOffendingKey) {
  std::string dir = mvtest::TempDir();
  mvtest::WriteFile(dir + "/bad.yaml", "server:\n  port: not-a-port\n");
  auto r = RunCommand({MV_BINARY, "config", "check", "-c", dir + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("server.port"), std::string::npos) << r.err;
}

TEST(Cli, EveryCommandHasHelp) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--help"}, {"serve", "--help"}, {"transcribe", "--help"},
        {"say", "--help"}, {"config", "check", "--help"}}) {
    args.insert(args.begin(), MV_BINARY);
    auto r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args[1];
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

TEST(Cli, ServeShutsDownCleanlyOnSigterm) {
  mvtest::ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.Log();
  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

}  // namespace
