// The original GPT-SoVITS chat clients against the real binary: every
// /api/chat stream is read by python3 exactly as both generations of the
// original client read it (support/original-client.h), so any other line
// shape, a JSON error body or a non-done event without audio fails the
// test. Then the two generations of the original config.yaml (0.1.x: no
// GSV.api, no Agent; 0.99: GSV.api, Agent, LLM.extra_config, LLM2, Core.tt)
// loaded as they are and used end to end, with the fake LLM and the
// GPT-SoVITS double.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "fakes/fake-gpt-sovits-server.h"
#include "fakes/fake-llm-server.h"
#include "support/original-client.h"
#include "support/server-process.h"
#include "support/speaker-set.h"
#include "support/test-http.h"

namespace {

using json = nlohmann::json;
using mvtest::FakeGptSovitsFault;
using mvtest::FakeGptSovitsOptions;
using mvtest::FakeGptSovitsServer;
using mvtest::FakeLlmFault;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;
using mvtest::OriginalClientAsr;
using mvtest::OriginalClientChat;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kReply =
    "Sure thing, I can help with that. The lights in the kitchen are on now. "
    "Is there anything else you would like me to do today?";

std::string Msg(const std::string& user) {
  return json{{"msg", {{{"role", "user"}, {"content", user}}}}}.dump();
}

std::string Say(const std::string& text, const std::string& voice, const std::string& path) {
  EXPECT_EQ(mvtest::RunCommand({MV_BINARY, "say", text, "--voice", voice, "-o", path}).exit_code,
            0);
  return path;
}

std::string Joined(const json& segments) {
  std::string out;
  for (const auto& s : segments) out += s["message"].get<std::string>();
  return out;
}

double Seconds(const mvtest::OriginalClientResult& r) {
  double total = 0;
  for (const auto& a : r.out["audio"]) total += a["seconds"].get<double>();
  return total;
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// mirrorvox's own config, GPT-SoVITS double speaking, one segment at a time.
class OriginalClientStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(mvtest::TempDir());
    llm_ = new FakeLlmServer();
    gsv_ = new FakeGptSovitsServer();
    const std::string ref = Say("this is the voice of the assistant, speaking clearly and calmly",
                                "slt", *dir_ + "/ref.wav");
    mvtest::WriteFile(*dir_ + "/c.yaml",
                      "tts:\n  engine: gpt-sovits\n  parallelism: 1\n  endpoints:\n"
                      "    - {url: " +
                          gsv_->base_url() +
                          ", max_concurrency: 1}\n"
                          "  cooldown_ms: 0\n  health_path: \"\"\n  gpt_sovits:\n"
                          "    ref_audio_path: " +
                          ref +
                          "\n"
                          "    prompt_text: this is the voice of the assistant\n    text_lang: en\n"
                          "llm:\n  first_token_timeout_ms: 1500\n  cooldown_ms: 1\n  endpoints:\n"
                          "    - url: " +
                          llm_->base_url() + "\n      model: fake-llm\n");
    server_ = new mvtest::ServerProcess({"-c", *dir_ + "/c.yaml"});
    ASSERT_TRUE(server_->ok()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete gsv_;
    delete llm_;
    delete dir_;
  }
  void SetUp() override {
    llm_->ClearFault();
    llm_->set_options(FakeLlmOptions{});
    gsv_->SetFault(FakeGptSovitsFault::kNone);
  }
  static int Port() { return server_->port(); }

  static std::string* dir_;
  static FakeLlmServer* llm_;
  static FakeGptSovitsServer* gsv_;
  static mvtest::ServerProcess* server_;
};
std::string* OriginalClientStreamTest::dir_ = nullptr;
FakeLlmServer* OriginalClientStreamTest::llm_ = nullptr;
FakeGptSovitsServer* OriginalClientStreamTest::gsv_ = nullptr;
mvtest::ServerProcess* OriginalClientStreamTest::server_ = nullptr;

TEST_F(OriginalClientStreamTest, ATurnReadsAsTheOriginalClientReadsIt) {
  llm_->PushReply(kReply);
  const auto r = OriginalClientChat(Port(), Msg("lights please"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.out["status"], 200);
  EXPECT_EQ(r.out["content_type"], "text/event-stream");
  const json segments = r.segments();
  ASSERT_GE(segments.size(), 2u) << r.out.dump();
  for (const auto& a : r.out["audio"]) EXPECT_GT(a["seconds"].get<double>(), 0.3);
  EXPECT_EQ(Joined(segments), kReply);
  EXPECT_EQ(r.done()["message"], kReply);
  EXPECT_TRUE(r.done()["file"].is_null());
  EXPECT_FALSE(r.done().contains("error"));
  EXPECT_FALSE(r.done().contains("failed_segments"));
}

// A segment whose speech failed gets no event (the client would crash on
// "file": null); the done event names it.
TEST_F(OriginalClientStreamTest, AFailedSegmentIsLeftOutAndNamedInTheDoneEvent) {
  gsv_->SetFault(FakeGptSovitsFault::kHttp500, 0, /*times=*/2);  // both tries of segment 0
  llm_->PushReply(kReply);
  const auto r = OriginalClientChat(Port(), Msg("lights please"));
  ASSERT_TRUE(r.ok) << r.error;
  const json& done = r.done();
  ASSERT_TRUE(done.contains("failed_segments")) << done.dump();
  ASSERT_EQ(done["failed_segments"].size(), 1u) << done.dump();
  const json& failed = done["failed_segments"][0];
  EXPECT_EQ(failed["index"], 0);
  EXPECT_TRUE(failed["error"]["code"].is_string()) << failed.dump();
  EXPECT_TRUE(failed["error"]["message"].is_string()) << failed.dump();
  // Every other segment was spoken, in order; nothing of the reply is lost.
  const json segments = r.segments();
  ASSERT_GE(segments.size(), 1u);
  EXPECT_EQ(failed["message"].get<std::string>() + Joined(segments), kReply);
  EXPECT_EQ(done["message"], kReply);
}

TEST_F(OriginalClientStreamTest, AllLlmEndpointsFailingIsAStreamEndingInAnError) {
  for (FakeLlmFault fault : {FakeLlmFault::kHttp500, FakeLlmFault::kStallSilent}) {
    SCOPED_TRACE(static_cast<int>(fault));
    llm_->SetFault(fault);
    const auto r = OriginalClientChat(Port(), Msg("hello"));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.out["status"], 200);
    EXPECT_EQ(r.out["content_type"], "text/event-stream");
    ASSERT_EQ(r.out["events"].size(), 1u) << r.out.dump();
    const json& done = r.done();
    EXPECT_EQ(done["done"], true);
    EXPECT_TRUE(done["file"].is_null());
    EXPECT_EQ(done["message"], "");
    EXPECT_TRUE(done["error"]["code"].is_string()) << done.dump();
    EXPECT_TRUE(done["error"]["message"].is_string()) << done.dump();
  }
  llm_->ClearFault();
  EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
}

TEST_F(OriginalClientStreamTest, BadRequestsKeepTheirJsonError) {
  for (const char* body : {"{not json", R"({"message": "hi"})", R"({"msg": "hi"})"}) {
    const auto r = mvtest::HttpPostJson(Port(), "/api/chat", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(json::parse(r.body, nullptr, false)["error"].is_object()) << r.body;
  }
}

TEST_F(OriginalClientStreamTest, ThinkBlocksAreNeverSpokenNorKept) {
  const std::string answer = "Sure thing, the lights in the kitchen are on now.";
  FakeLlmOptions split;
  split.token_bytes = 3;  // "<think>" and "</think>" arrive cut across chunks
  llm_->set_options(split);
  const std::size_t before = gsv_->texts().size();
  llm_->PushReply("<think>\nThe user wants light. I will say it is on.\n</think>\n\n" + answer);
  auto r = OriginalClientChat(Port(), Msg("lights"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(Joined(r.segments()), answer);
  EXPECT_EQ(r.done()["message"], answer);
  const auto texts = gsv_->texts();
  for (std::size_t i = before; i < texts.size(); ++i) {
    EXPECT_THAT(texts[i], Not(HasSubstr("think")));
    EXPECT_THAT(texts[i], Not(HasSubstr("user wants")));
  }
  // /no_think: the empty block.
  llm_->set_options(FakeLlmOptions{});
  llm_->PushReply("<think>\n\n</think>\n\n" + answer);
  r = OriginalClientChat(Port(), Msg("lights"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.done()["message"], answer);
  EXPECT_EQ(Joined(r.segments()), answer);
}

TEST_F(OriginalClientStreamTest, ACutWavUploadIsTruncated) {
  const std::string wav = mvtest::ReadFile(*dir_ + "/ref.wav");
  const auto r = mvtest::HttpPostJson(
      Port(), "/api/asr",
      json{{"data", mv::Base64UrlEncode(wav.substr(0, wav.size() / 2))}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], "truncated") << r.body;
  EXPECT_EQ(mvtest::HttpGet(Port(), "/healthz").status, 200);
}

// The two generations of the original config.yaml, each in its own folder,
// the server started from another working directory.
class OriginalConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = mvtest::TempDir();
    const mv::test::TestVoice slt{"slt", true, "slt"}, rms{"rms", true, "rms"};
    master_ = mv::EncodeAudio(mv::test::EnrolAudio(slt), mv::AudioFormat::kWav);
    mvtest::WriteFile(dir_ + "/stranger.wav",
                      mv::EncodeAudio(mv::test::SpeakAs(rms, mv::test::kAssistantSentences[1]),
                                      mv::AudioFormat::kWav));
    mvtest::WriteFile(dir_ + "/owner.wav",
                      mv::EncodeAudio(mv::test::SpeakAs(slt, mv::test::kAssistantSentences[1]),
                                      mv::AudioFormat::kWav));
  }

  // Writes <folder>/config.yaml (+ master.wav beside it) and checks that
  // `config check` resolves the relative path the way serve will.
  std::string Install(const std::string& folder, const std::string& yaml) {
    const std::string d = dir_ + "/" + folder;
    std::filesystem::create_directories(d);
    mvtest::WriteFile(d + "/master.wav", master_);
    mvtest::WriteFile(d + "/config.yaml", yaml);
    const auto check = mvtest::RunCommand({MV_BINARY, "config", "check", "-c", d + "/config.yaml"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_THAT(check.out, HasSubstr(d + "/master.wav"));
    return d + "/config.yaml";
  }

  std::string dir_, master_;
  FakeLlmServer llm_;
};

TEST_F(OriginalConfigTest, Generation01SpeaksOnlyQuotesInMandarinAndRefusesWithNone) {
  const std::string d = dir_ + "/moechat-0.1";
  std::filesystem::create_directories(d + "/ref");
  Say("i am very happy today, the sun is shining and the sky is blue", "slt", d + "/ref/happy.wav");
  const std::string config = Install("moechat-0.1",
                                     "Core:\n  sv:\n    is_up: true\n"
                                     "    master_audio: master.wav\n    thr: 0.6\n"
                                     "LLM:\n  api: " +
                                         llm_.base_url() +
                                         "/chat/completions\n  key: sk-local\n"
                                         "  model: qwen2.5:7b\n"
                                         "GSV:\n  text_lang: zh\n  GPT_weight:\n"
                                         "  SoVITS_weight:\n  ref_audio_path: ref.wav\n"
                                         "  prompt_text:\n  prompt_lang: zh\n"
                                         "  aux_ref_audio_paths:\n    -\n  seed: -1\n"
                                         "  top_k: 15\n  batch_size: 20\n"
                                         "extra_ref_audio:\n  开心:\n"
                                         "    - ref/happy.wav\n    - 今天天气真好！\n");
  mvtest::ServerProcess server({"-c", config});
  ASSERT_TRUE(server.ok()) << server.Log();

  // Only the quoted words are spoken, by espeak-ng in Mandarin (flite would
  // give a fifth of a second of near-silence per segment).
  const std::string spoken = "你好呀，今天天气真好，我们一起出去玩吧。";
  const std::string reply = "（她挥了挥手）[开心]\"" + spoken + "\"还有别的事吗？";
  llm_.PushReply(reply);
  const auto r = OriginalClientChat(server.port(), Msg("你好"));
  ASSERT_TRUE(r.ok) << r.error << server.Log();
  ASSERT_GE(r.segments().size(), 1u) << r.out.dump();
  EXPECT_GT(Seconds(r), 1.5) << r.out.dump();
  EXPECT_EQ(r.done()["message"], reply);
  // No sampling settings of mirrorvox's own in the request.
  const json body = llm_.requests().back().body;
  EXPECT_FALSE(body.contains("temperature")) << body.dump();
  EXPECT_FALSE(body.contains("max_tokens")) << body.dump();
  EXPECT_EQ(body["model"], "qwen2.5:7b");

  // The 0.1.x GUI client lets nobody through unless /api/asr says "None".
  const auto stranger = OriginalClientAsr(server.port(), dir_ + "/stranger.wav");
  ASSERT_TRUE(stranger.ok) << stranger.error;
  EXPECT_EQ(stranger.out["json"], "None");
  EXPECT_TRUE(stranger.out["gate_01x"].get<bool>());
  const auto owner = OriginalClientAsr(server.port(), dir_ + "/owner.wav");
  ASSERT_TRUE(owner.ok) << owner.error;
  EXPECT_TRUE(owner.out["json"].is_string());
  EXPECT_NE(owner.out["json"], "None");
}

TEST_F(OriginalConfigTest, Generation099UsesGsvApiAgentAndExtraConfig) {
  FakeGptSovitsOptions v3;
  v3.version = "v3";  // refuses an empty prompt_text: the reference gets transcribed
  FakeGptSovitsServer gsv(v3);
  const std::string d = dir_ + "/moechat-0.99";
  std::filesystem::create_directories(d);
  Say("this is the voice of the assistant, speaking clearly and calmly", "slt", d + "/ref.wav");
  const std::string config = Install(
      "moechat-0.99",
      "Core:\n  tt: true\n  sv:\n    is_up: true\n    master_audio: master.wav\n    thr: 0.6\n"
      "LLM:\n  api: " +
          llm_.base_url() +
          "/chat/completions\n  key:\n  model: qwen3:8b\n"
          "  extra_config:\n    top_p: 0.9\n    enable_thinking: false\n    thinking:\n"
          "      type: disabled\n"
          "LLM2:\n  api: " +
          llm_.base_url() +
          "/chat/completions\n  model: qwen3:1.7b\n"
          "GSV:\n  api: " +
          gsv.base_url() +
          "/tts\n  text_lang: en\n  ref_audio_path: ref.wav\n"
          "  prompt_text:\n  prompt_lang: en\n  ex_config:\n    text_split_method: cut0\n"
          "Agent:\n  is_up: true\n  char: Chat酱\n  user: 主人\n"
          "  char_settings: \"{{char}}是{{user}}的助手。\"\n"
          "  char_personalities: 表面清纯可爱，实则腹黑毒舌。\n  mask: \"{{user}}是一名程序员。\"\n"
          "  message_example: \"{{user}}先休息一下吧。\"\n  prompt: |-\n    说话简短。\n    "
          "/no_think\n"
          "  start_with: [\"{{char}}向{{user}}问好。\"]\n"
          "  long_memory: true\n  is_check_memorys: true\n  mem_thresholds: 0.39\n"
          "  lore_books: true\n  books_thresholds: 0.5\n  scan_depth: 4\n  is_core_mem: true\n");
  mvtest::ServerProcess server({"-c", config});
  ASSERT_TRUE(server.ok()) << server.Log();
  // Reported once at start-up, never an error.
  const std::string log = server.Log();
  EXPECT_EQ(Count(log, "Agent keys of the original config.yaml that mirrorvox does not support"), 1)
      << log;
  EXPECT_EQ(Count(log, "section 'LLM2' of the original config.yaml is not supported"), 1) << log;
  EXPECT_EQ(Count(log, "support yet (ignored): tt"), 1) << log;

  // Everything but (bracketed) text is spoken, by GPT-SoVITS.
  llm_.PushReply("(smiles) Hello there, the kitchen lights are on now.");
  auto r = OriginalClientChat(server.port(), Msg("lights"));
  ASSERT_TRUE(r.ok) << r.error << server.Log();
  ASSERT_GE(r.segments().size(), 1u);
  EXPECT_FALSE(r.done().contains("failed_segments")) << r.done().dump();
  std::string said;
  for (const auto& req : gsv.requests()) {
    said += req.params.value("text", "");
    // The reference carries its transcript (ASR heard it at start-up).
    EXPECT_FALSE(req.params.value("prompt_text", "").empty()) << req.params.dump();
    EXPECT_EQ(req.params.value("ref_audio_path", ""), d + "/ref.wav");
  }
  EXPECT_THAT(said, HasSubstr("Hello there"));
  EXPECT_THAT(said, Not(HasSubstr("smiles")));
  // The persona prompt, LLM.extra_config verbatim, no sampling defaults.
  json body = llm_.requests().back().body;
  ASSERT_EQ(body["messages"][0]["role"], "system") << body.dump();
  const std::string system = body["messages"][0]["content"];
  EXPECT_THAT(system, HasSubstr("Chat酱是主人的助手。"));
  EXPECT_THAT(system, HasSubstr("主人是一名程序员。"));
  EXPECT_THAT(system, HasSubstr("/no_think"));
  EXPECT_THAT(system, Not(HasSubstr("{{")));
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["enable_thinking"], false);
  EXPECT_EQ(body["thinking"], json({{"type", "disabled"}}));
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("max_tokens"));

  // The client's own system message is used as sent.
  llm_.PushReply("Arr, the lights be on.");
  const json own = {{"msg",
                     {{{"role", "system"}, {"content", "You are a pirate."}},
                      {{"role", "user"}, {"content", "lights"}}}}};
  r = OriginalClientChat(server.port(), own.dump());
  ASSERT_TRUE(r.ok) << r.error;
  body = llm_.requests().back().body;
  EXPECT_EQ(body["messages"], own["msg"]) << body.dump();

  // The 0.99 client checks for null.
  const auto stranger = OriginalClientAsr(server.port(), dir_ + "/stranger.wav");
  ASSERT_TRUE(stranger.ok) << stranger.error;
  EXPECT_TRUE(stranger.out["json"].is_null());
  EXPECT_TRUE(stranger.out["gate_099"].get<bool>());
}

}  // namespace
