// `mirrorvox doctor` as an admin runs it: one ✓/✗ line per check with the
// fix, exit 1 on any ✗; against the LLM double, a busy port, a bad config.
#include <gtest/gtest.h>

#include <string>

#include "fakes/fake-llm-server.h"
#include "support/server-process.h"

namespace {

bool Has(const std::string& out, const std::string& line) {
  return out.find(line) != std::string::npos;
}

bool AnyFailed(const std::string& out) { return Has(out, "\u2717 "); }

// A port nobody listens on: a double's, once it is gone.
std::string FreePort() {
  mvtest::FakeLlmServer gone;
  return std::to_string(gone.port());
}

TEST(Doctor, ChecksEveryPartAndNamesTheFix) {
  mvtest::FakeLlmServer llm;
  const std::string dir = mvtest::TempDir();
  // The port is the double's own: busy.
  mvtest::WriteFile(dir + "/c.yaml",
                    "server:\n  host: 127.0.0.1\n  port: " + std::to_string(llm.port()) +
                        "\nllm:\n  endpoints:\n"
                        "    - url: " +
                        llm.base_url() +
                        "\n      model: fake-llm\n"
                        "library:\n  dir: " +
                        dir + "/voices\n");
  auto r = mvtest::RunCommand({MV_BINARY, "doctor", "-c", dir + "/c.yaml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string& out = r.out;
  EXPECT_TRUE(Has(out, "\u2713 config valid (" + dir + "/c.yaml)")) << out;
  EXPECT_TRUE(Has(out, "\u2713 asr engine pocketsphinx loads")) << out;
  EXPECT_TRUE(Has(out, "\u2713 tts engine auto loads and speaks")) << out;
  EXPECT_TRUE(Has(out, "\u2713 llm.endpoints[0] " + llm.base_url() +
                           " speaks the OpenAI /v1 API (1 models listed)"))
      << out;
  EXPECT_TRUE(Has(out, "\u2713 llm.endpoints[0] " + llm.base_url() +
                           " answers a one-token request (model fake-llm"))
      << out;
  EXPECT_TRUE(Has(out, "\u2713 tls off")) << out;
  EXPECT_TRUE(Has(out, "\u2713 voice library folder " + dir + "/voices is writable")) << out;
  EXPECT_TRUE(Has(out, "\u2717 port 127.0.0.1:" + std::to_string(llm.port()) +
                           " cannot be used: Address already in use"))
      << out;
  EXPECT_TRUE(Has(out, "    fix: stop what listens there")) << out;
  EXPECT_TRUE(Has(out, "audio devices for `mirrorvox client`")) << out;
  // The one-token request really was one token.
  bool one_token = false;
  for (const auto& req : llm.requests())
    one_token = one_token || (req.path == "/v1/chat/completions" && req.body["max_tokens"] == 1);
  EXPECT_TRUE(one_token);
}

TEST(Doctor, NoLanguageModelIsAFailureWithTheFix) {
  const std::string dir = mvtest::TempDir();
  auto r = mvtest::RunCommand({MV_BINARY, "doctor"}, {{"MIRRORVOX_LLM__DISCOVER", "false"},
                                                      {"MIRRORVOX_SERVER__PORT", FreePort()},
                                                      {"MIRRORVOX_LIBRARY__DIR", dir + "/voices"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "\u2713 config valid (embedded default)")) << r.out;
  EXPECT_TRUE(Has(r.out,
                  "\u2717 no language model: llm.endpoints is empty and discovery is off; "
                  "chat is in echo mode"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "    fix: set llm.endpoints")) << r.out;
  EXPECT_TRUE(Has(r.out, " is free")) << r.out;
}

TEST(Doctor, ADiscoveredModelPassesAndExitCodeFollowsTheLines) {
  mvtest::FakeLlmOptions o;
  o.ollama_models = {{"llama3.2:latest", "llama"}};
  mvtest::FakeLlmServer llm(o);
  const std::string dir = mvtest::TempDir();
  auto r = mvtest::RunCommand(
      {MV_BINARY, "doctor"},
      {{"MIRRORVOX_LLM__DISCOVER_URLS", "http://127.0.0.1:" + std::to_string(llm.port())},
       {"MIRRORVOX_SERVER__PORT", FreePort()},
       {"MIRRORVOX_LIBRARY__DIR", dir + "/voices"}});
  EXPECT_TRUE(
      Has(r.out, "\u2713 llm discovered: Ollama at " + llm.base_url() + ", model llama3.2:latest"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "answers a one-token request (model llama3.2:latest")) << r.out;
  // Only the audio devices may be missing here (a server without sound cards).
  EXPECT_EQ(r.exit_code, AnyFailed(r.out) ? 1 : 0) << r.out;
  EXPECT_TRUE(Has(r.out, AnyFailed(r.out) ? "checks failed" : "checks passed")) << r.out;
}

TEST(Doctor, AnInvalidConfigIsTheFirstFailure) {
  const std::string dir = mvtest::TempDir();
  mvtest::WriteFile(dir + "/bad.yaml", "server:\n  port: 99999\n");
  auto r = mvtest::RunCommand({MV_BINARY, "doctor", "-c", dir + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.out, "\u2717 config invalid (" + dir + "/bad.yaml): config: server.port"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "    fix: correct that key")) << r.out;
}

TEST(Doctor, AnUnwritableVoiceLibraryIsReported) {
  auto r = mvtest::RunCommand({MV_BINARY, "doctor"},
                              {{"MIRRORVOX_LLM__DISCOVER", "false"},
                               {"MIRRORVOX_SERVER__PORT", FreePort()},
                               {"MIRRORVOX_LIBRARY__DIR", "/proc/mirrorvox-voices"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.out, "\u2717 voice library folder /proc/mirrorvox-voices is not writable"))
      << r.out;
}

}  // namespace
