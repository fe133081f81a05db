// The OpenAI-compatible REST audio API against the real binary:
// /v1/audio/speech (every format, speed, SSE, streaming, voices, hang-up),
// /v1/audio/transcriptions (every response_format, SSE), /v1/models,
// /v1/audio/voices, and OpenAI's error shape for every bad request.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "audio/audio-decoder.h"
#include "common/base64.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/test-sentences.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;

class OpenAiApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    // The LLM endpoint is never called here: it only names a model to list.
    mvtest::WriteFile(*dir_ + "/c.yaml",
                      "tts:\n  voice: slt\n  parallelism: 2\nlibrary:\n  dir: " + *dir_ +
                          "/voices\nllm:\n  endpoints:\n    - url: http://127.0.0.1:9/v1\n"
                          "      model: some-llm-model\n");
    server_ = new mvtest::ServerProcess({"-c", *dir_ + "/c.yaml"},
                                        {{"MIRRORVOX_AUDIO__MAX_BYTES", "2000000"}});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static int Port() { return server_->port(); }

  static mvtest::HttpResult Speech(const json& body) {
    return mvtest::HttpPostJson(Port(), "/v1/audio/speech", body.dump());
  }
  static std::string SpeechWav(const std::string& input, double speed = 1.0) {
    auto r = Speech({{"model", "tts-1"},
                     {"input", input},
                     {"voice", "alloy"},
                     {"response_format", "wav"},
                     {"speed", speed}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  static mvtest::HttpResult Transcribe(const std::string& audio, const std::string& filename,
                                       std::vector<mvtest::MultipartField> extra = {}) {
    std::vector<mvtest::MultipartField> fields = {
        {"file", audio, filename, "application/octet-stream"}, {"model", "whisper-1", "", ""}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return mvtest::HttpPostMultipart(Port(), "/v1/audio/transcriptions", fields);
  }

  // OpenAI's shape: status + {"error": {"message", "type", "param", "code"}}.
  static void ExpectOpenAiError(const mvtest::HttpResult& r, int status, const std::string& param,
                                const std::string& what) {
    EXPECT_EQ(r.status, status) << what << " -> " << r.body;
    const json j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << what << " -> " << r.body;
    const json& e = j["error"];
    EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty()) << r.body;
    EXPECT_EQ(e["type"], status >= 500 ? "server_error" : "invalid_request_error") << r.body;
    ASSERT_TRUE(e.contains("param") && e.contains("code")) << r.body;
    if (param.empty())
      EXPECT_TRUE(e["param"].is_null()) << what << " -> " << r.body;
    else
      EXPECT_EQ(e["param"], param) << what << " -> " << r.body;
  }

  static double Metric(const std::string& series) {
    const std::string body = mvtest::HttpGet(Port(), "/metrics").body;
    const auto at = body.find("\n" + series + " ");
    if (at == std::string::npos) return 0.0;
    return std::strtod(body.c_str() + at + series.size() + 2, nullptr);
  }

  static std::string* dir_;
  static mvtest::ServerProcess* server_;
};
std::string* OpenAiApiTest::dir_ = nullptr;
mvtest::ServerProcess* OpenAiApiTest::server_ = nullptr;

const std::string kSentence = "Please turn on the lights in the kitchen.";

double Seconds(const std::string& file) { return mv::DecodeAudio(file).DurationSeconds(); }

TEST_F(OpenAiApiTest, EveryResponseFormatHasItsContainer) {
  const std::string wav = SpeechWav(kSentence);
  ASSERT_GT(wav.size(), 44u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(8, 4), "WAVE");
  const double seconds = Seconds(wav);
  EXPECT_GT(seconds, 1.0);
  EXPECT_LT(seconds, 8.0);

  auto pcm = Speech(
      {{"model", "tts-1"}, {"input", kSentence}, {"voice", "alloy"}, {"response_format", "pcm"}});
  ASSERT_EQ(pcm.status, 200) << pcm.body;
  EXPECT_EQ(pcm.body.size() % 2, 0u);
  // Raw 24 kHz s16le: the same length as the wav's data.
  EXPECT_NEAR(static_cast<double>(pcm.body.size()) / (2 * 24000), seconds, 0.05);

  for (const std::string format : {"mp3", "opus", "aac", "flac"}) {
    auto r = Speech({{"model", "tts-1"},
                     {"input", kSentence},
                     {"voice", "alloy"},
                     {"response_format", format}});
    ASSERT_EQ(r.status, 200) << format << ": " << r.body;
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(r.body.at(i)); };
    if (format == "mp3") {
      EXPECT_EQ(r.headers["content-type"], "audio/mpeg");
      EXPECT_TRUE(r.body.substr(0, 3) == "ID3" || (b(0) == 0xFF && (b(1) & 0xE0) == 0xE0));
    } else if (format == "opus") {
      EXPECT_EQ(r.body.substr(0, 4), "OggS");
      EXPECT_NE(r.body.substr(0, 200).find("OpusHead"), std::string::npos);
    } else if (format == "aac") {
      EXPECT_TRUE(b(0) == 0xFF && (b(1) & 0xF6) == 0xF0) << "ADTS sync";
    } else {
      EXPECT_EQ(r.body.substr(0, 4), "fLaC");
    }
    EXPECT_NEAR(Seconds(r.body), seconds, 0.25 * seconds) << format;
  }

  // The default format is mp3.
  auto plain = Speech({{"model", "tts-1"}, {"input", kSentence}, {"voice", "alloy"}});
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers["content-type"], "audio/mpeg");
}

TEST_F(OpenAiApiTest, SpeedStretchesTimeNotPitch) {
  const double normal = Seconds(SpeechWav(kSentence, 1.0));
  const double fast = Seconds(SpeechWav(kSentence, 2.0));
  const double slow = Seconds(SpeechWav(kSentence, 0.5));
  EXPECT_NEAR(fast / normal, 0.5, 0.05);
  EXPECT_NEAR(slow / normal, 2.0, 0.1);
  // Still speech: the fast version is recognised.
  auto r = Transcribe(SpeechWav(mv::test::kAssistantSentences[1], 1.25), "fast.wav");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(mv::WordErrorRate(mv::test::kAssistantSentences[1], json::parse(r.body)["text"]), 0.5)
      << r.body;
}

TEST_F(OpenAiApiTest, SseDeltasDecodeToTheAudio) {
  for (const std::string format : {"pcm", "wav", "mp3"}) {
    auto r = Speech({{"model", "gpt-4o-mini-tts"},
                     {"input", kSentence + " And the hall too."},
                     {"voice", "alloy"},
                     {"response_format", format},
                     {"stream_format", "sse"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["content-type"], "text/event-stream");
    const auto events = mvtest::SseData(r.body);
    ASSERT_GE(events.size(), 2u) << r.body;
    std::string audio;
    for (std::size_t i = 0; i + 1 < events.size(); ++i) {
      const json e = json::parse(events[i]);
      ASSERT_EQ(e["type"], "speech.audio.delta") << events[i];
      audio += mv::Base64Decode(e["audio"].get<std::string>());
    }
    const json done = json::parse(events.back());
    EXPECT_EQ(done["type"], "speech.audio.done");
    EXPECT_GT(done["usage"]["input_tokens"].get<int>(), 0);
    EXPECT_EQ(done["usage"]["total_tokens"].get<int>(),
              done["usage"]["input_tokens"].get<int>() + done["usage"]["output_tokens"].get<int>());
    if (format == "pcm") {
      EXPECT_GT(audio.size() / 2.0 / 24000, 1.0);
    } else {
      EXPECT_GT(Seconds(audio), 1.0) << format;
    }
  }
}

TEST_F(OpenAiApiTest, WavStreamsSentenceBySentence) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += std::string(mv::test::kAssistantSentences[i]) + ". ";
  int pieces = 0;
  auto r = mvtest::HttpRequest(
      "POST", Port(), "/v1/audio/speech",
      json{{"model", "tts-1"}, {"input", text}, {"voice", "rms"}, {"response_format", "wav"}}
          .dump(),
      {{"Content-Type", "application/json"}}, [&](const std::string&) {
        ++pieces;
        return true;
      });
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  EXPECT_GT(pieces, 1);
  // Unknown-length header (data size 0), then every sentence, in order.
  ASSERT_GT(r.body.size(), 44u);
  EXPECT_EQ(r.body.substr(40, 4), std::string(4, '\0'));
  auto heard = Transcribe(r.body, "long.wav");
  ASSERT_EQ(heard.status, 200) << heard.body;
  EXPECT_LE(mv::WordErrorRate(text, json::parse(heard.body)["text"]), 0.35) << heard.body;
}

TEST_F(OpenAiApiTest, RoundTripSpeechToTranscription) {
  std::size_t edits = 0, words = 0;
  for (std::size_t i = 4; i < 8; ++i) {
    const std::string sentence = mv::test::kAssistantSentences[i];
    auto speech = Speech({{"model", "tts-1"},
                          {"input", sentence},
                          {"voice", "slt"},
                          {"response_format", i % 2 ? "mp3" : "flac"}});
    ASSERT_EQ(speech.status, 200) << speech.body;
    auto r = Transcribe(speech.body, i % 2 ? "speech.mp3" : "speech.flac");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string text = json::parse(r.body)["text"];
    edits += mv::WordEditDistance(sentence, text);
    words += mv::NormalizeWords(sentence).size();
  }
  EXPECT_LE(static_cast<double>(edits) / words, 0.25);
}

TEST_F(OpenAiApiTest, TranscriptionResponseFormats) {
  const std::string wav = SpeechWav(kSentence);
  const double duration = Seconds(wav);
  auto j = Transcribe(wav, "a.wav");
  ASSERT_EQ(j.status, 200) << j.body;
  const std::string text = json::parse(j.body)["text"];
  EXPECT_LE(mv::WordErrorRate(kSentence, text), 0.35) << text;

  auto plain = Transcribe(wav, "a.wav", {{"response_format", "text", "", ""}});
  ASSERT_EQ(plain.status, 200);
  EXPECT_NE(plain.headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_EQ(plain.body, text);

  auto verbose = Transcribe(wav, "a.wav",
                            {{"response_format", "verbose_json", "", ""},
                             {"language", "en", "", ""},
                             {"temperature", "0.2", "", ""},
                             {"prompt", "kitchen lights", "", ""}});
  ASSERT_EQ(verbose.status, 200) << verbose.body;
  const json v = json::parse(verbose.body);
  EXPECT_EQ(v["task"], "transcribe");
  EXPECT_EQ(v["language"], "english");
  EXPECT_NEAR(v["duration"].get<double>(), duration, 0.01);
  EXPECT_EQ(v["text"], text);
  ASSERT_EQ(v["segments"].size(), 1u);
  EXPECT_EQ(v["segments"][0]["id"], 0);
  EXPECT_EQ(v["segments"][0]["start"], 0.0);
  EXPECT_NEAR(v["segments"][0]["end"].get<double>(), duration, 0.01);
  EXPECT_EQ(v["segments"][0]["text"], text);

  auto srt = Transcribe(wav, "a.wav", {{"response_format", "srt", "", ""}});
  ASSERT_EQ(srt.status, 200);
  EXPECT_TRUE(std::regex_search(
      srt.body, std::regex("^1\n00:00:00,000 --> 00:00:0\\d,\\d{3}\n" + text + "\n")))
      << srt.body;
  auto vtt = Transcribe(wav, "a.wav", {{"response_format", "vtt", "", ""}});
  ASSERT_EQ(vtt.status, 200);
  EXPECT_TRUE(std::regex_search(
      vtt.body, std::regex("^WEBVTT\n\n00:00:00\\.000 --> 00:00:0\\d\\.\\d{3}\n" + text + "\n")))
      << vtt.body;

  auto stream = Transcribe(wav, "a.wav", {{"stream", "true", "", ""}});
  ASSERT_EQ(stream.status, 200);
  EXPECT_EQ(stream.headers["content-type"], "text/event-stream");
  const auto events = mvtest::SseData(stream.body);
  ASSERT_GE(events.size(), 2u);
  std::string joined;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json e = json::parse(events[i]);
    EXPECT_EQ(e["type"], "transcript.text.delta");
    joined += e["delta"].get<std::string>();
  }
  const json done = json::parse(events.back());
  EXPECT_EQ(done["type"], "transcript.text.done");
  EXPECT_EQ(done["text"], text);
  EXPECT_EQ(joined, text);
}

TEST_F(OpenAiApiTest, ModelsAndVoices) {
  auto list = mvtest::HttpGet(Port(), "/v1/models");
  ASSERT_EQ(list.status, 200);
  const json models = json::parse(list.body);
  EXPECT_EQ(models["object"], "list");
  std::vector<std::string> ids;
  for (const json& m : models["data"]) {
    EXPECT_EQ(m["object"], "model");
    EXPECT_EQ(m["owned_by"], "mirrorvox");
    EXPECT_TRUE(m["created"].is_number_integer());
    ids.push_back(m["id"]);
  }
  for (const std::string id : {"mirrorvox-asr", "mirrorvox-tts", "mirrorvox", "some-llm-model"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id << " in " << list.body;
  auto one = mvtest::HttpGet(Port(), "/v1/models/mirrorvox-tts");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["id"], "mirrorvox-tts");
  ExpectOpenAiError(mvtest::HttpGet(Port(), "/v1/models/gpt-17"), 404, "model", "unknown model");

  auto voices = mvtest::HttpGet(Port(), "/v1/audio/voices");
  ASSERT_EQ(voices.status, 200);
  const json v = json::parse(voices.body);
  EXPECT_EQ(v["default"], "slt");
  bool slt = false, mirror = false;
  for (const json& e : v["voices"]) {
    slt |= e["id"] == "slt" && e["kind"] == "engine";
    mirror |= e["id"] == "mirror" && e["kind"] == "mirror";
  }
  EXPECT_TRUE(slt && mirror) << voices.body;
}

TEST_F(OpenAiApiTest, LibraryVoiceSpeaks) {
  const std::string clip = *dir_ + "/enrol.wav";
  auto said = mvtest::RunCommand({MV_BINARY, "say",
                                  "This is my voice. I read a few sentences so that the library "
                                  "has enough speech to learn from, and then some more.",
                                  "--voice", "rms", "-o", clip});
  ASSERT_EQ(said.exit_code, 0) << said.err;
  auto added =
      mvtest::HttpPostMultipart(Port(), "/api/voices",
                                {{"audio", mvtest::ReadFile(clip), "enrol.wav", "audio/wav"},
                                 {"name", "Deep Voice", "", ""}});
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = json::parse(added.body)["id"];
  auto voices = json::parse(mvtest::HttpGet(Port(), "/v1/audio/voices").body);
  bool listed = false;
  for (const json& e : voices["voices"]) listed |= e["id"] == id && e["kind"] == "library";
  EXPECT_TRUE(listed) << voices.dump();
  auto r =
      Speech({{"model", "tts-1"}, {"input", kSentence}, {"voice", id}, {"response_format", "wav"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(Seconds(r.body), 1.0);
  mvtest::HttpRequest("DELETE", Port(), "/api/voices/" + id);
}

TEST_F(OpenAiApiTest, BadRequestsGetOpenAiErrorsAndTheServerGoesOn) {
  const json ok = {{"model", "tts-1"}, {"input", "hi"}, {"voice", "alloy"}};
  auto with = [&](const char* key, const json& value) {
    json b = ok;
    b[key] = value;
    return b;
  };
  auto without = [&](const char* key) {
    json b = ok;
    b.erase(key);
    return b;
  };
  ExpectOpenAiError(mvtest::HttpPostJson(Port(), "/v1/audio/speech", "{broken"), 400, "",
                    "bad json");
  ExpectOpenAiError(mvtest::HttpPostJson(Port(), "/v1/audio/speech", "[1]"), 400, "", "array");
  ExpectOpenAiError(Speech(without("input")), 400, "input", "no input");
  ExpectOpenAiError(Speech(without("model")), 400, "model", "no model");
  ExpectOpenAiError(Speech(with("input", "")), 400, "input", "empty input");
  ExpectOpenAiError(Speech(with("input", std::string(4097, 'a'))), 400, "input", "long input");
  ExpectOpenAiError(Speech(with("input", 42)), 400, "input", "input type");
  ExpectOpenAiError(Speech(with("voice", "nobody")), 400, "voice", "unknown voice");
  ExpectOpenAiError(Speech(with("voice", "mirror")), 400, "voice", "mirror voice");
  ExpectOpenAiError(Speech(with("response_format", "ogg")), 400, "response_format", "format");
  ExpectOpenAiError(Speech(with("speed", 5.0)), 400, "speed", "speed range");
  ExpectOpenAiError(Speech(with("speed", "fast")), 400, "speed", "speed type");
  ExpectOpenAiError(Speech(with("stream_format", "chunks")), 400, "stream_format", "stream_format");
  // The limit counts characters, not bytes: 1104 characters in 4404 bytes
  // (emoji are not spoken) are fine.
  std::string emoji_tail = "Hi. ";
  for (int i = 0; i < 1100; ++i) emoji_tail += "\xF0\x9F\x98\x80";
  EXPECT_EQ(Speech(with("input", emoji_tail)).status, 200);

  const std::string wav = SpeechWav("Hello there.");
  ExpectOpenAiError(mvtest::HttpPostMultipart(Port(), "/v1/audio/transcriptions",
                                              {{"model", "whisper-1", "", ""}}),
                    400, "file", "no file");
  ExpectOpenAiError(mvtest::HttpPostMultipart(Port(), "/v1/audio/transcriptions",
                                              {{"file", wav, "a.wav", "audio/wav"}}),
                    400, "model", "no model");
  ExpectOpenAiError(Transcribe("this is not audio at all", "notes.txt"), 400, "file", "not audio");
  ExpectOpenAiError(Transcribe(wav, "a.wav", {{"response_format", "xml", "", ""}}), 400,
                    "response_format", "format");
  ExpectOpenAiError(Transcribe(wav, "a.wav", {{"temperature", "hot", "", ""}}), 400, "temperature",
                    "temperature");
  ExpectOpenAiError(Transcribe(wav, "a.wav", {{"language", "fr", "", ""}}), 400, "language",
                    "language");
  ExpectOpenAiError(mvtest::HttpPostJson(Port(), "/v1/audio/transcriptions", "{}"), 400, "file",
                    "not multipart");
  // Over audio.max_bytes (2 MB here).
  std::string big = wav;
  while (big.size() <= 2000000) big += std::string(500000, '\0');
  ExpectOpenAiError(Transcribe(big, "big.wav"), 413, "file", "too large");

  ExpectOpenAiError(mvtest::HttpGet(Port(), "/v1/nothing/here"), 404, "", "unknown route");
  ExpectOpenAiError(mvtest::HttpPostJson(Port(), "/v1/chat/whatever", "{}"), 404, "", "unknown");
  ExpectOpenAiError(mvtest::HttpGet(Port(), "/v1/audio/speech"), 405, "", "wrong method");

  EXPECT_EQ(Speech(ok).status, 200);
  EXPECT_EQ(mvtest::HttpGet(Port(), "/v1/models").status, 200);
  EXPECT_TRUE(server_->Alive());
}

TEST_F(OpenAiApiTest, HangUpCancelsTheRestOfTheSynthesis) {
  // About 60 sentences (~3800 characters): far more than the first bytes need.
  std::string text;
  int sentences = 0;
  for (int i = 0; text.size() < 3800; ++i, ++sentences)
    text += "Here is sentence number " + std::to_string(i) + ", and it keeps going for a while. ";
  const double spoken_before = Metric("mirrorvox_speech_segments_total{outcome=\"spoken\"}");
  const double cancelled_before = Metric("mirrorvox_speech_requests_total{outcome=\"cancelled\"}");
  bool got_bytes = false;
  mvtest::HttpRequest(
      "POST", Port(), "/v1/audio/speech",
      json{{"model", "tts-1"}, {"input", text}, {"voice", "alloy"}, {"response_format", "pcm"}}
          .dump(),
      {{"Content-Type", "application/json"}}, [&](const std::string&) {
        got_bytes = true;
        return false;  // hang up at the first audio
      });
  ASSERT_TRUE(got_bytes);
  double cancelled = cancelled_before;
  for (int i = 0; i < 200 && cancelled == cancelled_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancelled = Metric("mirrorvox_speech_requests_total{outcome=\"cancelled\"}");
  }
  EXPECT_EQ(cancelled, cancelled_before + 1);
  const double spoken =
      Metric("mirrorvox_speech_segments_total{outcome=\"spoken\"}") - spoken_before;
  EXPECT_LT(spoken, sentences / 2.0) << "of " << sentences;
}

}  // namespace
