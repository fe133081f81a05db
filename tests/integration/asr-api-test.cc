// `mirrorvox serve` as a client sees it: /healthz and /api/asr (PROTOCOLS.md
// A1), with every kind of bad input answered 4xx while the server keeps going.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"

namespace {

using mvtest::HttpPostJson;
using nlohmann::json;

class AsrApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    auto r = mvtest::RunCommand({MV_BINARY, "say", "please turn on the lights in the kitchen",
                                 "--voice", "rms", "-o", *dir_ + "/kitchen.wav"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new mvtest::ServerProcess({}, {{"MIRRORVOX_AUDIO__MAX_BYTES", "2000000"}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static std::string Wav() { return mvtest::ReadFile(*dir_ + "/kitchen.wav"); }
  static int Port() { return server_->port(); }

  // Every error is {"error": {"message", "type", "code"}} with a 4xx and the
  // server still answers afterwards.
  static void ExpectClientError(const mvtest::HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
  }

  static std::string* dir_;
  static mvtest::ServerProcess* server_;
};
std::string* AsrApiTest::dir_ = nullptr;
mvtest::ServerProcess* AsrApiTest::server_ = nullptr;

TEST_F(AsrApiTest, HealthzAnswers) {
  auto r = mvtest::HttpGet(Port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["status"], "ok");
}

TEST_F(AsrApiTest, TranscribesUrlsafeBase64AsTheOriginalClientSends) {
  auto r = HttpPostJson(Port(), "/api/asr", json{{"data", mv::Base64UrlEncode(Wav())}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_TRUE(j.is_string()) << r.body;
  EXPECT_EQ(j.get<std::string>(), "please turn on the lights in the kitchen");
}

TEST_F(AsrApiTest, AcceptsStandardAlphabetWithAndWithoutPadding) {
  std::string wav = Wav();
  if (wav.size() % 3 == 0) wav.push_back('\0');  // so that padding is needed
  std::string std_b64 = mv::Base64Encode(wav);
  ASSERT_EQ(std_b64.back(), '=');
  std::string unpadded = std_b64.substr(0, std_b64.find('='));
  for (const auto& data : {std_b64, unpadded}) {
    auto r = HttpPostJson(Port(), "/api/asr", json{{"data", data}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_LT(mv::WordErrorRate("please turn on the lights in the kitchen",
                                    json::parse(r.body).get<std::string>()),
              0.2);
  }
}

TEST_F(AsrApiTest, BrokenJsonIs400) {
  ExpectClientError(HttpPostJson(Port(), "/api/asr", "{\"data\": \"abc"), 400, "bad_json");
  ExpectClientError(HttpPostJson(Port(), "/api/asr", "[1,2]"), 400, "bad_json");
  ExpectClientError(HttpPostJson(Port(), "/api/asr", "{}"), 400, "missing_field");
  ExpectClientError(HttpPostJson(Port(), "/api/asr", "{\"data\": 5}"), 400, "bad_field");
}

TEST_F(AsrApiTest, BadBase64Is400) {
  ExpectClientError(HttpPostJson(Port(), "/api/asr", R"({"data": "not*base64!"})"), 400,
                    "bad_base64");
  ExpectClientError(HttpPostJson(Port(), "/api/asr", R"({"data": "QUJD=QUJD"})"), 400,
                    "bad_base64");
}

TEST_F(AsrApiTest, NotAudioIs400) {
  std::string text = "this is a text file, not audio at all; " + std::string(200, 'x');
  ExpectClientError(HttpPostJson(Port(), "/api/asr", json{{"data", mv::Base64Encode(text)}}.dump()),
                    400, "not_audio");
  ExpectClientError(HttpPostJson(Port(), "/api/asr", json{{"data", ""}}.dump()), 400,
                    "empty_audio");
}

TEST_F(AsrApiTest, TruncatedWavIs400) {
  std::string wav = Wav();
  auto r = HttpPostJson(Port(), "/api/asr", json{{"data", mv::Base64Encode(wav.substr(0, 30))}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
}

TEST_F(AsrApiTest, OversizeAudioIs413) {
  // audio.max_bytes is 2 MB for this server: 3 MB of WAV is refused.
  std::string big = Wav();
  while (big.size() < 3'000'000) big += Wav().substr(44);
  ExpectClientError(HttpPostJson(Port(), "/api/asr", json{{"data", mv::Base64Encode(big)}}.dump()),
                    413, "too_large");
}

TEST_F(AsrApiTest, OversizeBodyIsRefusedBeforeItIsRead) {
  // A client announcing a body far over server.max_body_bytes gets 413 at once.
  std::string head =
      "POST /api/asr HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 999999999999\r\n\r\n{\"data\":\"";
  std::string answer = mvtest::RawExchange(Port(), head);
  EXPECT_NE(answer.find("413"), std::string::npos) << answer;
  EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
}

TEST_F(AsrApiTest, MalformedHttpAndUnknownRoutes) {
  EXPECT_NE(mvtest::RawExchange(Port(), "GARBAGE\r\n\r\n").find("400"), std::string::npos);
  ExpectClientError(mvtest::HttpGet(Port(), "/no/such/route"), 404, "not_found");
  ExpectClientError(mvtest::HttpGet(Port(), "/api/asr"), 405, "method_not_allowed");
}

TEST_F(AsrApiTest, ConcurrentRequestsAllSucceed) {
  std::string body = json{{"data", mv::Base64Encode(Wav())}}.dump();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto r = HttpPostJson(Port(), "/api/asr", body);
      if (r.status == 200 && json::parse(r.body) == "please turn on the lights in the kitchen") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

}  // namespace
