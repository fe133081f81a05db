// The remote TTS engines through the real binary: /api/chat and
// /process_audio turns spoken by the GPT-SoVITS, XTTS (both servers) and
// OpenAI-speech doubles, failover between two instances, the per-endpoint
// limit, the mirror voice through the shared folder, weights at start-up,
// and the first audio of a streamed answer arriving before the double has
// finished the first segment. The doubles speak with flite, so every answer
// is transcribed back, and each double records the text it was given.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "fakes/fake-gpt-sovits-server.h"
#include "fakes/fake-llm-server.h"
#include "fakes/fake-openai-speech-server.h"
#include "fakes/fake-xtts-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "support/wer.h"

namespace {

using json = nlohmann::json;
using mvtest::FakeGptSovitsFault;
using mvtest::FakeGptSovitsOptions;
using mvtest::FakeGptSovitsServer;
using mvtest::FakeOpenAiSpeechFault;
using mvtest::FakeOpenAiSpeechServer;
using mvtest::FakeXttsFault;
using mvtest::FakeXttsFlavor;
using mvtest::FakeXttsOptions;
using mvtest::FakeXttsServer;
using Clock = std::chrono::steady_clock;

const char* kReply =
    "Sure thing, I can help with that. The lights in the kitchen are on now. "
    "Is there anything else you would like me to do today?";
const char* kQuestion = "please turn on the lights in the kitchen and tell me about the weather";

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  return s;
}

class RemoteTtsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    llm_ = new mvtest::FakeLlmServer();
    // The default GPT-SoVITS voice and the XTTS streaming speaker: 4-5 s clips.
    ASSERT_EQ(mvtest::RunCommand(
                  {MV_BINARY, "say",
                   "this is the voice of the assistant, speaking clearly and calmly, so that "
                   "you can hear every single word",
                   "--voice", "slt", "-o", *dir_ + "/ref.wav"})
                  .exit_code,
              0);
    ASSERT_EQ(mvtest::RunCommand(
                  {MV_BINARY, "say", kQuestion, "--voice", "rms", "-o", *dir_ + "/question.wav"})
                  .exit_code,
              0);
    std::filesystem::create_directories(*dir_ + "/share");
    // The TTS host sees the folder under another name (a link stands in for NFS).
    std::filesystem::create_directory_symlink(*dir_ + "/share", *dir_ + "/tts-host-share");
  }
  static void TearDownTestSuite() {
    delete llm_;
    delete dir_;
  }

  static std::string Dir() { return *dir_; }

  // tts: + llm: sections; `tts` is indented under "tts:".
  static std::unique_ptr<mvtest::ServerProcess> Start(const std::string& name,
                                                      const std::string& tts) {
    const std::string path = Dir() + "/" + name + ".yaml";
    mvtest::WriteFile(path,
                      "tts:\n" + tts + "llm:\n  endpoints:\n    - url: " + llm_->base_url() + "\n");
    auto server = std::make_unique<mvtest::ServerProcess>(std::vector<std::string>{"-c", path});
    EXPECT_TRUE(server->ok()) << server->Log();
    return server;
  }

  static std::string Endpoints(const std::vector<std::string>& urls) {
    std::string out = "  endpoints:\n";
    for (const auto& u : urls) out += "    - {url: " + u + ", max_concurrency: 1}\n";
    // No cool-down: every segment tries the least recently used endpoint,
    // so a failing one keeps being tried (and failed over from).
    return out + "  cooldown_ms: 0\n  health_path: \"\"\n  first_byte_timeout_ms: 5000\n";
  }

  struct ChatTurn {
    std::vector<json> segments;  // events with a file
    std::string full;            // the done event's message
    std::string audio_heard;     // every segment's audio, transcribed as one
    int errors = 0;
  };

  static ChatTurn Chat(int port, const std::string& reply = kReply) {
    llm_->PushReply(reply);
    auto r = mvtest::HttpPostJson(port, "/api/chat",
                                  R"({"msg": [{"role": "user", "content": "lights please"}]})");
    EXPECT_EQ(r.status, 200) << r.body;
    ChatTurn turn;
    mv::AudioBuffer all{{}, 16000};
    for (const auto& e : mvtest::SseData(r.body)) {
      json j = json::parse(e);
      if (j.value("done", false)) {
        turn.full = j["message"];
        turn.errors += static_cast<int>(j.value("failed_segments", json::array()).size());
        continue;
      }
      if (!j["file"].is_string()) continue;
      turn.segments.push_back(j);
      mv::AudioBuffer a =
          mv::Resample(mv::DecodeAudio(mv::Base64Decode(j["file"].get<std::string>())), 16000);
      all.samples.insert(all.samples.end(), a.samples.begin(), a.samples.end());
    }
    turn.audio_heard = Transcribe(port, mv::EncodeAudio(all, mv::AudioFormat::kWav));
    return turn;
  }

  static std::string Transcribe(int port, const std::string& wav) {
    auto r = mvtest::HttpPostJson(port, "/api/asr", json{{"data", mv::Base64Encode(wav)}}.dump());
    return r.status == 200 ? json::parse(r.body).get<std::string>() : "<" + r.body + ">";
  }

  static mvtest::HttpResult Ask(int port, bool stream = false) {
    llm_->PushReply(kReply);
    return mvtest::HttpPostMultipart(
        port, stream ? "/process_audio?stream=true" : "/process_audio",
        {{"audio", mvtest::ReadFile(Dir() + "/question.wav"), "q.wav", "audio/wav"},
         {"language", "english", "", ""}});
  }

  // The turn was spoken whole: every segment's text reached a double, in
  // order, and the audio says the reply.
  static void ExpectSpoken(const ChatTurn& turn, std::vector<std::string> texts) {
    EXPECT_EQ(turn.errors, 0);
    std::vector<std::string> messages;
    for (const auto& s : turn.segments) messages.push_back(Trim(s["message"]));
    for (auto& t : texts) t = Trim(t);
    std::sort(messages.begin(), messages.end());
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(messages, texts);
    EXPECT_GE(turn.segments.size(), 2u);
    EXPECT_LE(mv::WordErrorRate(kReply, turn.audio_heard), 0.3) << turn.audio_heard;
  }

  // The last user message the LLM saw: the transcript of the question.
  static std::string LastUserMessage() {
    const auto requests = llm_->requests();
    return requests.back().body["messages"].back()["content"];
  }

  static std::string* dir_;
  static mvtest::FakeLlmServer* llm_;
};
std::string* RemoteTtsTest::dir_ = nullptr;
mvtest::FakeLlmServer* RemoteTtsTest::llm_ = nullptr;

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(RemoteTtsTest, GptSovitsSpeaksChatAndMirrorsTheCaller) {
  FakeGptSovitsServer a, b;
  auto server =
      Start("gsv", "  engine: gpt-sovits\n" + Endpoints({a.base_url(), b.base_url()}) +
                       "  gpt_sovits:\n    ref_audio_path: " + Dir() +
                       "/ref.wav\n    prompt_text: this is the voice of the assistant\n"
                       "    share_dir: " +
                       Dir() + "/share\n    share_dir_remote: " + Dir() + "/tts-host-share\n");
  const ChatTurn turn = Chat(server->port());
  ExpectSpoken(turn, Concat(a.texts(), b.texts()));
  EXPECT_EQ(turn.full, kReply);
  for (const auto& r : Concat(a.texts(), b.texts()))
    EXPECT_NE(r.find_first_not_of(' '), std::string::npos);
  EXPECT_EQ(a.requests().at(0).params["ref_audio_path"], Dir() + "/ref.wav");  // the default voice

  // /process_audio: the caller's question becomes the reference, in the shared folder.
  const std::size_t before = a.requests().size() + b.requests().size();
  auto r = Ask(server->port());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(mv::WordErrorRate(kReply, Transcribe(server->port(), r.body)), 0.3);
  std::vector<mvtest::FakeGptSovitsRequest> mirrored;
  for (const auto* s : {&a, &b})
    for (const auto& req : s->requests()) mirrored.push_back(req);
  ASSERT_GT(mirrored.size(), before);
  const auto& p = mirrored.back().params;
  const std::string remote = p["ref_audio_path"];
  ASSERT_EQ(remote.rfind(Dir() + "/tts-host-share/mv-ref-", 0), 0u) << remote;
  const std::string local = Dir() + "/share/" + remote.substr(remote.rfind('/') + 1);
  const double seconds = mvtest::AudioFileSeconds(local);
  EXPECT_GE(seconds, 3.0);
  EXPECT_LE(seconds, 10.0);
  EXPECT_EQ(p["prompt_text"], LastUserMessage());  // the transcript of the clip
  EXPECT_EQ(p["prompt_lang"], "en");
  EXPECT_EQ(mirrored.back().status, 200);
}

TEST_F(RemoteTtsTest, GptSovitsFailsOverFromARefusedAFailingAndACutServer) {
  FakeGptSovitsOptions o;
  o.chunk_seconds = 0.1;
  FakeGptSovitsServer a(o), b(o);
  auto server =
      Start("gsv-failover", "  engine: gpt-sovits\n" + Endpoints({a.base_url(), b.base_url()}) +
                                "  gpt_sovits:\n    ref_audio_path: " + Dir() + "/ref.wav\n");
  std::vector<std::string> a_seen, b_seen;
  auto texts_since = [](const std::vector<std::string>& now, std::size_t from) {
    return std::vector<std::string>(now.begin() + static_cast<std::ptrdiff_t>(from), now.end());
  };
  for (const char* fault : {"500", "cut", "refused"}) {
    SCOPED_TRACE(fault);
    const std::size_t a_from = a.texts().size(), b_from = b.texts().size();
    if (std::string(fault) == "refused") a.Refuse();
    if (std::string(fault) == "500") a.SetFault(FakeGptSovitsFault::kHttp500);
    if (std::string(fault) == "cut") a.SetFault(FakeGptSovitsFault::kFailMidStream, 3);
    const ChatTurn turn = Chat(server->port());
    // Every segment was spoken by b in the end (a failed each it got).
    ExpectSpoken(turn, texts_since(b.texts(), b_from));
    if (HasFailure()) std::cerr << server->Log();
    if (std::string(fault) != "refused") {
      EXPECT_GT(a.texts().size(), a_from);  // it was tried
    }
    a.SetFault(FakeGptSovitsFault::kNone);
  }
  auto metrics = mvtest::HttpGet(server->port(), "/metrics");
  EXPECT_THAT(metrics.body, ::testing::HasSubstr("mirrorvox_remote_failovers_total{pool=\"tts\"}"));
}

TEST_F(RemoteTtsTest, GptSovitsGetsOneRequestAtATimeTwoEndpointsServeTwoAndWeightsAreSet) {
  FakeGptSovitsOptions o;
  o.first_chunk_ms = 300;
  FakeGptSovitsServer a(o), b(o);
  auto server =
      Start("gsv-limit", "  engine: gpt-sovits\n" + Endpoints({a.base_url(), b.base_url()}) +
                             "  parallelism: 4\n  gpt_sovits:\n    ref_audio_path: " + Dir() +
                             "/ref.wav\n    gpt_weight: GPT_weights_v2/a.ckpt\n"
                             "    sovits_weight: SoVITS_weights_v2/a.pth\n");
  for (const auto* s : {&a, &b})
    EXPECT_EQ(s->weight_calls(),
              (std::vector<std::string>{"/set_gpt_weights=GPT_weights_v2/a.ckpt",
                                        "/set_sovits_weights=SoVITS_weights_v2/a.pth"}));
  const ChatTurn turn = Chat(server->port(),
                             "One moment please. The first thing is done now. The second thing "
                             "is done as well. And the third thing is finished too.");
  EXPECT_EQ(turn.errors, 0);
  EXPECT_GE(turn.segments.size(), 3u);
  EXPECT_EQ(a.max_in_flight(), 1);
  EXPECT_EQ(b.max_in_flight(), 1);
  // Both were busy at the same time: two segments synthesised at once.
  bool overlap = false;
  for (const auto& x : a.requests())
    for (const auto& y : b.requests()) overlap |= x.started < y.finished && y.started < x.finished;
  EXPECT_TRUE(overlap);
}

TEST_F(RemoteTtsTest, StreamedAnswerStartsBeforeTheFirstSegmentIsSynthesised) {
  FakeGptSovitsOptions o;
  o.first_chunk_ms = 100;
  o.chunk_seconds = 0.2;
  o.chunk_ms = 250;  // slower than real time: the first segment takes seconds
  FakeGptSovitsServer gsv(o);
  auto server =
      Start("gsv-stream", "  engine: gpt-sovits\n" + Endpoints({gsv.base_url()}) +
                              "  gpt_sovits:\n    ref_audio_path: " + Dir() + "/ref.wav\n");
  const std::string reply = "Sure, the kitchen lights are on now.";
  llm_->PushReply(reply);
  std::string body;
  std::optional<Clock::time_point> first_pcm;
  auto r = mvtest::HttpRequest(
      "POST", server->port(), "/process_audio?stream=true",
      mvtest::BuildMultipart({{"audio", mvtest::ReadFile(Dir() + "/question.wav"), "q.wav", ""},
                              {"language", "en", "", ""}},
                             "mvboundary"),
      {{"Content-Type", "multipart/form-data; boundary=mvboundary"}},
      [&](const std::string& piece) {
        body += piece;
        if (!first_pcm && body.size() > 44) first_pcm = Clock::now();
        return true;
      });
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(first_pcm);
  const auto requests = gsv.requests();
  ASSERT_FALSE(requests.empty());
  const auto& first_segment = requests.front();
  EXPECT_LT(*first_pcm, first_segment.finished)
      << "first PCM " << std::chrono::duration<double>(first_segment.finished - *first_pcm).count()
      << " s before the first segment finished";
  EXPECT_LE(mv::WordErrorRate(reply, Transcribe(server->port(), body)), 0.3);
}

TEST_F(RemoteTtsTest, XttsApiServerSpeaksAndMirrorsAndFailsOver) {
  FakeXttsOptions o;
  o.chunk_seconds = 0.1;
  FakeXttsServer a(o), b(o);
  auto server =
      Start("xtts-api", "  engine: xtts\n" + Endpoints({a.base_url(), b.base_url()}) +
                            "  xtts:\n    server: api\n    speaker: female\n"
                            "    share_dir: " +
                            Dir() + "/share\n    share_dir_remote: " + Dir() + "/tts-host-share\n");
  const ChatTurn first = Chat(server->port());  // before the doubles are asked
  ExpectSpoken(first, Concat(a.texts(), b.texts()));
  auto r = Ask(server->port());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(mv::WordErrorRate(kReply, Transcribe(server->port(), r.body)), 0.3);
  const auto last = Concat(a.texts(), b.texts()).size();
  std::vector<mvtest::FakeXttsRequest> all = a.requests();
  for (const auto& x : b.requests()) all.push_back(x);
  ASSERT_EQ(all.size(), last);
  bool mirrored = false;
  for (const auto& x : all) {
    const std::string speaker = x.params.value("speaker_wav", "");
    mirrored |= speaker.rfind(Dir() + "/tts-host-share/mv-ref-", 0) == 0 && x.status == 200;
  }
  EXPECT_TRUE(mirrored);

  for (const char* fault : {"500", "cut", "refused"}) {
    SCOPED_TRACE(fault);
    const std::size_t b_from = b.texts().size();
    if (std::string(fault) == "refused") a.Refuse();
    if (std::string(fault) == "500") a.SetFault(FakeXttsFault::kHttp500);
    if (std::string(fault) == "cut") a.SetFault(FakeXttsFault::kCutMidStream, 2);
    const ChatTurn turn = Chat(server->port());
    const auto now = b.texts();
    ExpectSpoken(turn, std::vector<std::string>(now.begin() + static_cast<std::ptrdiff_t>(b_from),
                                                now.end()));
    a.SetFault(FakeXttsFault::kNone);
  }
}

TEST_F(RemoteTtsTest, XttsStreamingServerClonesTheCallerOnceAndFailsOver) {
  FakeXttsOptions o;
  o.flavor = FakeXttsFlavor::kStreaming;
  FakeXttsServer a(o), b(o);
  auto server = Start("xtts-streaming",
                      "  engine: xtts\n" + Endpoints({a.base_url(), b.base_url()}) +
                          "  xtts:\n    server: streaming\n    speaker: " + Dir() + "/ref.wav\n");
  const ChatTurn first = Chat(server->port());  // before the doubles are asked
  ExpectSpoken(first, Concat(a.texts(), b.texts()));
  const std::size_t default_clones = a.clones().size() + b.clones().size();
  EXPECT_GE(default_clones, 1u);  // once per server at most
  EXPECT_LE(default_clones, 2u);
  auto r = Ask(server->port());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(mv::WordErrorRate(kReply, Transcribe(server->port(), r.body)), 0.3);
  // The caller's clip was cloned once (latents are cached by the clip, not the server).
  EXPECT_EQ(a.clones().size() + b.clones().size(), default_clones + 1);
  for (const auto* s : {&a, &b})
    for (const auto& x : s->requests()) EXPECT_NE(x.voice, "?");  // latents of a cloned clip

  for (const char* fault : {"500", "cut", "refused"}) {
    SCOPED_TRACE(fault);
    const std::size_t b_from = b.texts().size();
    if (std::string(fault) == "refused") a.Refuse();
    if (std::string(fault) == "500") a.SetFault(FakeXttsFault::kHttp500);
    if (std::string(fault) == "cut") a.SetFault(FakeXttsFault::kCutMidStream, 2);
    const ChatTurn turn = Chat(server->port());
    const auto now = b.texts();
    ExpectSpoken(turn, std::vector<std::string>(now.begin() + static_cast<std::ptrdiff_t>(b_from),
                                                now.end()));
    a.SetFault(FakeXttsFault::kNone);
  }
}

TEST_F(RemoteTtsTest, OpenAiSpeechSpeaksAndFailsOver) {
  mvtest::FakeOpenAiSpeechOptions o;
  o.key = "sk-speech-test";
  o.chunk_seconds = 0.1;
  FakeOpenAiSpeechServer a(o), b(o);
  auto server =
      Start("openai-speech", "  engine: openai-speech\n" + Endpoints({a.base_url(), b.base_url()}) +
                                 "  voice: af_heart\n  openai_speech:\n    model: kokoro\n"
                                 "    key: sk-speech-test\n");
  const ChatTurn first = Chat(server->port());  // before the doubles are asked
  ExpectSpoken(first, Concat(a.texts(), b.texts()));
  auto r = Ask(server->port());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(mv::WordErrorRate(kReply, Transcribe(server->port(), r.body)), 0.3);
  EXPECT_EQ(a.requests().at(0).headers.at("authorization"), "Bearer sk-speech-test");
  for (const char* fault : {"500", "cut", "refused"}) {
    SCOPED_TRACE(fault);
    const std::size_t b_from = b.texts().size();
    if (std::string(fault) == "refused") a.Refuse();
    if (std::string(fault) == "500") a.SetFault(FakeOpenAiSpeechFault::kHttp500);
    if (std::string(fault) == "cut") a.SetFault(FakeOpenAiSpeechFault::kCutMidStream, 2);
    const ChatTurn turn = Chat(server->port());
    const auto now = b.texts();
    ExpectSpoken(turn, std::vector<std::string>(now.begin() + static_cast<std::ptrdiff_t>(b_from),
                                                now.end()));
    a.SetFault(FakeOpenAiSpeechFault::kNone);
  }
}

}  // namespace
