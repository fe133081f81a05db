// The release binary as an attacker meets it (issue 10's campaign, kept):
// trailers and header limits, sample rates from 1 Hz to 4 GHz, 1-sample
// files, high-rate bombs, invalid UTF-8 in every echoed field, error texts
// that give nothing of the server away. Every case ends in a clean 4xx (or
// a closed connection) and the server still answers.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "net/websocket-client.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-net.h"

namespace {

using nlohmann::json;

std::string Le16(std::uint16_t v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}
std::string Le32(std::uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  return s;
}

// A mono 16-bit WAV of `samples` samples declaring `rate` Hz.
std::string Wav(std::uint32_t rate, std::size_t samples) {
  std::string pcm;
  for (std::size_t i = 0; i < samples; ++i)
    pcm += Le16(static_cast<std::uint16_t>(i * 2654435761u));
  return "RIFF" + Le32(static_cast<std::uint32_t>(36 + pcm.size())) + "WAVEfmt " + Le32(16) +
         Le16(1) + Le16(1) + Le32(rate) + Le32(rate * 2) + Le16(2) + Le16(16) + "data" +
         Le32(static_cast<std::uint32_t>(pcm.size())) + pcm;
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The LLM is down (nothing listens on port 1): its errors must not leak.
    server_ =
        new mvtest::ServerProcess({}, {{"MIRRORVOX_LLM__ENDPOINTS", "http://127.0.0.1:1/v1"}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(server_->Alive()) << server_->Log();
    delete server_;
  }
  static int Port() { return server_->port(); }

  static void ExpectAlive() {
    ASSERT_TRUE(server_->Alive()) << server_->Log();
    EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
  }

  // A 4xx whose body is strict, valid JSON with no library text in it.
  static void ExpectCleanClientError(const mvtest::HttpResult& r, const std::string& what) {
    EXPECT_GE(r.status, 400) << what << ": " << r.body;
    EXPECT_LT(r.status, 500) << what << ": " << r.body;
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << what << ": not JSON: " << r.body;
    EXPECT_EQ(r.body.find("json.exception"), std::string::npos) << what << ": " << r.body;
    EXPECT_EQ(r.body.find("\xff"), std::string::npos) << what << ": raw client bytes echoed";
    ExpectAlive();
  }

  static mvtest::HttpResult Asr(const std::string& wav) {
    return mvtest::HttpPostJson(Port(), "/api/asr",
                                json{{"data", mv::Base64UrlEncode(wav)}}.dump());
  }
  static mvtest::HttpResult ProcessAudio(const std::string& wav, const std::string& language,
                                         const std::string& voice = "") {
    std::vector<mvtest::MultipartField> f = {{"audio", wav, "q.wav", "audio/wav"},
                                             {"language", language, "", ""}};
    if (!voice.empty()) f.push_back({"voice", voice, "", ""});
    return mvtest::HttpPostMultipart(Port(), "/process_audio", f);
  }
  static mvtest::HttpResult Transcribe(const std::string& wav,
                                       std::vector<mvtest::MultipartField> extra = {}) {
    std::vector<mvtest::MultipartField> f = {{"file", wav, "q.wav", "audio/wav"},
                                             {"model", "whisper-1", "", ""}};
    f.insert(f.end(), extra.begin(), extra.end());
    return mvtest::HttpPostMultipart(Port(), "/v1/audio/transcriptions", f);
  }

  static mvtest::ServerProcess* server_;
};
mvtest::ServerProcess* HostileInputTest::server_ = nullptr;

TEST_F(HostileInputTest, ChunkedTrailerOverTheFieldLimitIsRefused) {
  // Was a one-request crash: Beast throws length_error for a field over
  // 65533 bytes, and trailers were not bounded by the header limit.
  for (std::size_t n : {65534u, 65533u, 70000u, 200000u}) {
    const std::string req =
        "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\nX-T: " +
        std::string(n, 't') + "\r\n\r\n";
    const std::string answer = mvtest::RawExchange(Port(), req);
    EXPECT_TRUE(answer.empty() || answer.starts_with("HTTP/1.1 4"))
        << n << ": " << answer.substr(0, 80);
    ExpectAlive();
  }
  // Many small trailer fields add up the same way.
  std::string many =
      "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n";
  for (int i = 0; i < 5000; ++i)
    many += "X-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  many += "\r\n";
  EXPECT_TRUE(mvtest::RawExchange(Port(), many).starts_with("HTTP/1.1 431"));
  ExpectAlive();
  // A normal trailer still parses (the route then says what it says).
  const std::string small =
      "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\nX-Checksum: 1\r\n\r\n";
  EXPECT_TRUE(mvtest::RawExchange(Port(), small).starts_with("HTTP/1.1 405"));
  ExpectAlive();
}

TEST_F(HostileInputTest, HeaderFieldLimits) {
  for (std::size_t n : {40000u, 65534u, 100000u}) {
    const std::string req =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(n, 'h') + "\r\n\r\n";
    EXPECT_TRUE(mvtest::RawExchange(Port(), req).starts_with("HTTP/1.1 431")) << n;
    ExpectAlive();
  }
  // A chunk-size line that never ends.
  const std::string endless =
      "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: "
      "chunked\r\n\r\n" +
      std::string(100000, '1');
  const std::string answer = mvtest::RawExchange(Port(), endless);
  EXPECT_TRUE(answer.empty() || answer.starts_with("HTTP/1.1 4")) << answer.substr(0, 80);
  ExpectAlive();
}

TEST_F(HostileInputTest, SampleRatesFromOneHertzToFourGigahertz) {
  struct Case {
    std::uint32_t rate;
    std::size_t samples;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {1, 100, false},       {100, 100, false},       {3999, 100, false},      {192001, 100, false},
      {655350, 1000, false}, {0x7FFFFFFF, 23, false}, {0xFFFFFFFF, 23, false}, {48000, 1, true},
      {8000, 1, true},       {192000, 1, true},       {16000, 2, true}};
  for (const Case& c : cases) {
    const std::string wav = Wav(c.rate, c.samples);
    const std::string what = std::to_string(c.rate) + " Hz x " + std::to_string(c.samples);
    for (auto r : {Asr(wav), ProcessAudio(wav, "english"), Transcribe(wav)}) {
      if (c.accepted) {
        EXPECT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500)) << what << r.body;
        ExpectAlive();
      } else {
        ExpectCleanClientError(r, what);
        EXPECT_NE(r.body.find("sample_rate"), std::string::npos) << what << ": " << r.body;
      }
    }
  }
}

TEST_F(HostileInputTest, InvalidUtf8InEveryEchoedField) {
  const std::string bad = "zz\xff\xfe";
  const std::string wav = Wav(16000, 1600);
  ExpectCleanClientError(ProcessAudio(wav, bad), "process_audio language");
  ExpectCleanClientError(ProcessAudio(wav, "english", bad), "process_audio voice");
  ExpectCleanClientError(Transcribe(wav, {{"language", bad, "", ""}}), "transcriptions language");
  ExpectCleanClientError(Transcribe(wav, {{"response_format", bad, "", ""}}),
                         "transcriptions response_format");
  ExpectCleanClientError(mvtest::HttpPostMultipart(Port(), "/api/voices",
                                                   {{"name", "alice", "", ""},
                                                    {"audio", wav, "a.wav", "audio/wav"},
                                                    {"transcript", "hello \xff", "", ""}}),
                         "voice transcript");
  ExpectCleanClientError(mvtest::HttpPostJson(Port(), "/v1/audio/speech",
                                              "{\"model\":\"tts-1\",\"voice\":\"zz\xff\xfe\","
                                              "\"input\":\"hi\"}"),
                         "speech voice (invalid UTF-8 JSON)");
  for (const char* path : {"/v1/models/%ff%fe", "/nosuch%ff", "/api/voices/%c0%ae%c0%ae/audio",
                           "/nosuch%00%0d%0aSet-Cookie:x"}) {
    ExpectCleanClientError(mvtest::HttpGet(Port(), path), path);
  }
  ExpectCleanClientError(mvtest::HttpRequest("DELETE", Port(), "/api/voices/%ff"), "DELETE voice");
}

TEST_F(HostileInputTest, ErrorsSayNothingOfTheServersInsides) {
  auto r = mvtest::HttpPostJson(Port(), "/api/chat",
                                json{{"msg", {{{"role", "user"}, {"content", "hi"}}}}}.dump());
  EXPECT_EQ(r.body.find("127.0.0.1:1"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("connect"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("llm_failed"), std::string::npos) << r.body;
  auto speech = mvtest::HttpPostJson(Port(), "/v1/audio/speech", "{\"input\": 5}");
  EXPECT_EQ(speech.body.find("json.exception"), std::string::npos) << speech.body;
  ExpectAlive();
}

TEST_F(HostileInputTest, UnknownSubprotocolsAreNeverEchoed) {
  const std::string upgrade =
      "GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
      "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  std::string answer = mvtest::RawExchange(
      Port(), upgrade + "Sec-WebSocket-Protocol: openai-insecure-api-key.sk-secret\r\n\r\n", 3);
  ASSERT_TRUE(answer.starts_with("HTTP/1.1 101")) << answer.substr(0, 200);
  EXPECT_EQ(answer.find("sk-secret"), std::string::npos) << answer.substr(0, 400);
  answer = mvtest::RawExchange(
      Port(),
      upgrade + "Sec-WebSocket-Protocol: openai-insecure-api-key.sk-secret, realtime\r\n\r\n", 3);
  EXPECT_NE(answer.find("Sec-WebSocket-Protocol: realtime\r\n"), std::string::npos)
      << answer.substr(0, 400);
  EXPECT_EQ(answer.find("sk-secret"), std::string::npos);
  ExpectAlive();
}

TEST_F(HostileInputTest, RealtimeEventsWithWrongTypesGetOurWords) {
  auto ws = mv::WebSocketClient::Connect(
      mv::TestNet(), "ws://127.0.0.1:" + std::to_string(Port()) + "/v1/realtime");
  const std::vector<std::string> events = {
      R"({"type":"conversation.item.create","item":{"type":"message","role":"user","content":5}})",
      R"({"type":"conversation.item.create","item":[1,2]})",
      R"({"type":"session.update","session":{"instructions":7,"voice":["x"]}})",
      R"({"type":"input_audio_buffer.append","audio":17})"};
  for (const std::string& e : events) ws->SendText(e);
  // Each event is answered: an error, or (session.update may accept odd
  // values) session.updated; never a library's text.
  int errors = 0, answers = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (answers < static_cast<int>(events.size()) && std::chrono::steady_clock::now() < deadline) {
    auto m = ws->Receive(30000);
    ASSERT_TRUE(m) << "session closed";
    EXPECT_EQ(m->data.find("json.exception"), std::string::npos) << m->data;
    auto j = json::parse(m->data, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << m->data;
    if (j["type"] == "error") ++errors;
    if (j["type"] == "error" || j["type"] == "session.updated") ++answers;
  }
  EXPECT_GE(errors, 3);
  ExpectAlive();
}

}  // namespace
