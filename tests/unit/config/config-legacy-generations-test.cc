// The two generations of the original chat server's config.yaml: which one
// a file is (0.99 has GSV.api or Agent), the defaults that follow from it
// (voiceprint refusal body, which text is spoken), paths relative to the
// file's folder, LLM.extra_config verbatim, the Agent persona prompt, and
// the keys reported once as not supported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config-test-util.h"
#include "config/config-legacy.h"

namespace mv {
namespace {

using ::testing::HasSubstr;
using testing::LoadText;
using ::testing::Not;

int WarningsWith(const Config& c, const std::string& text) {
  return static_cast<int>(std::count_if(c.warnings.begin(), c.warnings.end(), [&](const auto& w) {
    return w.find(text) != std::string::npos;
  }));
}

// May 2025, "Version 0.1.x": no GSV.api, no Agent.
const char* kConfig01 = R"(
Core:
  sv:
    is_up: true
    master_audio: test.wav
    thr: 0.6
LLM:
  api: http://127.0.0.1:11434/v1/chat/completions
  key: sk-local
  model: qwen2.5:7b
GSV:
  text_lang: zh
  GPT_weight: GPT_weights_v2/maid.ckpt
  SoVITS_weight: SoVITS_weights_v2/maid.pth
  ref_audio_path: ref/normal.wav
  prompt_text: 嗯，谢谢您的夸奖。
  prompt_lang: zh
  aux_ref_audio_paths:
  seed: -1
  top_k: 15
  batch_size: 20
extra_ref_audio:
  开心: [ref/happy.wav, 今天天气真好！]
)";

// September 2025, "Version 0.99": GSV.api, LLM.extra_config, LLM2, Core.tt, Agent.
const char* kConfig099 = R"(
Core:
  tt: true
  sv:
    is_up: false
    master_audio: voice/master.wav
    thr:
LLM:
  api: http://127.0.0.1:11434/v1/chat/completions
  key:
  model: qwen3:8b
  extra_config:
    top_p: 0.9
    enable_thinking: false
    thinking:
      type: disabled
    stop: ["</s>"]
LLM2:
  api: http://127.0.0.1:11434/v1/chat/completions
  model: qwen3:1.7b
GSV:
  api: http://127.0.0.1:9880/tts
  text_lang: zh
  ref_audio_path: ref.wav
  prompt_text: 嗯，谢谢您的夸奖。
  prompt_lang: zh
  ex_config:
    text_split_method: cut0
Agent:
  is_up: true
  char: Chat酱
  user: 主人
  char_settings: "{{char}}是{{user}}手机里的助手。"
  char_personalities: 表面清纯可爱，实则腹黑毒舌。
  mask: "{{user}}是一名程序员。"
  message_example: 人类的视网膜不需要这种加班，{{user}}先休息一下吧。
  prompt: |-
    使用口语的文字风格进行对话，不要太啰嗦。
    /no_think
  start_with: ["{{char}}向{{user}}问好。"]
  long_memory: true
  is_check_memorys: true
  mem_thresholds: 0.39
  lore_books: true
  books_thresholds: 0.5
  scan_depth: 4
  is_core_mem: true
  mood: true
)";

TEST(ConfigLegacyGenerationsTest, TellsTheGenerationsApart) {
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load(kConfig01)), LegacyGeneration::k01);
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load(kConfig099)), LegacyGeneration::k099);
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load("GSV:\n  api: http://h:9880/tts\n")),
            LegacyGeneration::k099);
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load("Agent:\n  is_up: false\n")), LegacyGeneration::k099);
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load("GSV:\n  api:\n  text_lang: zh\n")),
            LegacyGeneration::k01);
  EXPECT_EQ(DetectLegacyGeneration(YAML::Load("server:\n  port: 1\n")), LegacyGeneration::kNone);
}

TEST(ConfigLegacyGenerationsTest, TheGenerationPicksRefusalBodyAndSpeakingMode) {
  const Config old = LoadText(kConfig01);
  EXPECT_EQ(old.voiceprint.reject_body, "None");
  EXPECT_EQ(old.voiceprint.RejectJson(), "\"None\"");
  EXPECT_TRUE(old.pipeline.speak_only_quoted);
  const Config later = LoadText(kConfig099);
  EXPECT_EQ(later.voiceprint.reject_body, "null");
  EXPECT_EQ(later.voiceprint.RejectJson(), "null");
  EXPECT_FALSE(later.pipeline.speak_only_quoted);
  EXPECT_TRUE(later.pipeline.drop_parentheses);
  // mirrorvox's own format: JSON null, everything spoken.
  const Config own = LoadText("server:\n  port: 8001\n");
  EXPECT_EQ(own.voiceprint.RejectJson(), "null");
  EXPECT_FALSE(own.pipeline.speak_only_quoted);
  // The file's own keys still win.
  const Config mixed = LoadText(std::string(kConfig01) +
                                "voiceprint:\n  reject_body: \"null\"\npipeline:\n"
                                "  speak_only_quoted: false\n");
  EXPECT_EQ(mixed.voiceprint.reject_body, "null");
  EXPECT_FALSE(mixed.pipeline.speak_only_quoted);
  EXPECT_THAT(testing::LoadError("voiceprint:\n  reject_body: nope\n"),
              HasSubstr("voiceprint.reject_body: must be null or \"None\""));
}

TEST(ConfigLegacyGenerationsTest, TextLangSetsTheEmbeddedEnginesLanguage) {
  const Config old = LoadText(kConfig01);  // no GSV.api: espeak-ng speaks, in Mandarin
  EXPECT_EQ(old.tts.engine, "");
  EXPECT_EQ(old.tts.language, "zh");
  EXPECT_EQ(LoadText("GSV:\n  text_lang: all_zh\n").tts.language, "zh");
  EXPECT_EQ(LoadText("GSV:\n  text_lang: auto\n").tts.language, "en");  // left as it was
}

TEST(ConfigLegacyGenerationsTest, RelativePathsAreTheConfigFoldersWhateverTheWorkingDirectory) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "mv-legacy-paths";
  std::filesystem::create_directories(dir / "ref");
  std::ofstream(dir / "config.yaml") << kConfig01;
  std::ofstream(dir / "ref" / "happy.wav") << "RIFF";  // exists here: a local clip
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(std::filesystem::temp_directory_path());
  const Config c = LoadConfig((dir / "config.yaml").string(), {});
  std::filesystem::current_path(cwd);
  ASSERT_EQ(c.voiceprint.owners.size(), 1u);
  EXPECT_EQ(c.voiceprint.owners[0], (dir / "test.wav").string());
  EXPECT_EQ(c.tts.extra_ref_audio.at("开心").wav_path, (dir / "ref" / "happy.wav").string());
  // Not a file here: a path on the GPT-SoVITS host, sent as it was written.
  EXPECT_EQ(c.tts.gpt_sovits.ref_audio_path, "ref/normal.wav");
}

TEST(ConfigLegacyGenerationsTest, ExtraConfigIsPassedThroughVerbatim) {
  const Config c = LoadText(kConfig099);
  EXPECT_EQ(c.llm.extra_body, nlohmann::json({{"top_p", 0.9},
                                              {"enable_thinking", false},
                                              {"thinking", {{"type", "disabled"}}},
                                              {"stop", {"</s>"}}}));
  EXPECT_FALSE(c.llm.temperature.has_value());
  EXPECT_FALSE(c.llm.max_tokens.has_value());
  EXPECT_EQ(WarningsWith(c, "extra_config"), 0);
}

TEST(ConfigLegacyGenerationsTest, AgentComposesThePersonaPrompt) {
  const Config c = LoadText(kConfig099);
  const std::string& p = c.llm.system_prompt;
  for (const char* part :
       {"Chat酱是主人手机里的助手。", "表面清纯可爱，实则腹黑毒舌。", "主人是一名程序员。",
        "使用口语的文字风格进行对话，不要太啰嗦。\n/no_think", "主人先休息一下吧。",
        "Chat酱向主人问好。", "Chat酱", "主人"})
    EXPECT_THAT(p, HasSubstr(part));
  EXPECT_THAT(p, Not(HasSubstr("{{")));
  // In the original's order: settings, personality, mask, prompt, example, start_with.
  EXPECT_LT(p.find("手机里的助手"), p.find("腹黑毒舌"));
  EXPECT_LT(p.find("腹黑毒舌"), p.find("程序员"));
  EXPECT_LT(p.find("程序员"), p.find("/no_think"));
  EXPECT_LT(p.find("/no_think"), p.find("先休息"));
  EXPECT_LT(p.find("先休息"), p.find("问好"));
  // Off: the default prompt stays.
  std::string off = kConfig099;
  off.replace(off.find("is_up: true"), 11, "is_up: false");
  EXPECT_EQ(LoadText(off).llm.system_prompt, Config{}.llm.system_prompt);
}

TEST(ConfigLegacyGenerationsTest, UnsupportedKeysAreReportedOnceNeverAnError) {
  const Config c = LoadText(kConfig099);
  EXPECT_EQ(WarningsWith(c,
                         "Agent keys of the original config.yaml that mirrorvox does not "
                         "support yet (ignored): long_memory, is_check_memorys, "
                         "mem_thresholds, lore_books, books_thresholds, scan_depth, "
                         "is_core_mem, mood"),
            1);
  EXPECT_EQ(WarningsWith(c,
                         "Core keys of the original config.yaml that mirrorvox does not "
                         "support yet (ignored): tt"),
            1);
  EXPECT_EQ(WarningsWith(c, "section 'LLM2' of the original config.yaml is not supported"), 1);
  EXPECT_EQ(WarningsWith(c, "Agent."), 0);  // not one warning per key
  EXPECT_EQ(c.warnings.size(), 3u) << ::testing::PrintToString(c.warnings);
}

}  // namespace
}  // namespace mv
