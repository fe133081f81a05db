// session.update fields the web page's settings panel sends: the LLM model
// and the transcription language, in both protocol shapes.
#include "realtime/realtime-settings.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace mv {
namespace {

using json = nlohmann::json;

TEST(RealtimeSettingsTest, ModelAndLanguageApplyInBothShapes) {
  RealtimeSettings s;
  s = ApplySessionUpdate(s, json::parse(R"({"type": "realtime", "model": "beta",
      "audio": {"input": {"transcription": {"language": "zh"}}}})"));
  EXPECT_EQ(s.llm_model, "beta");
  EXPECT_EQ(s.language, "zh");
  json ga = SessionJson(s, "sess_1", "slt", false);
  EXPECT_EQ(ga["audio"]["input"]["transcription"]["language"], "zh");
  EXPECT_EQ(ga["model"], "mirrorvox");  // the realtime model keeps its name
  s = ApplySessionUpdate(s, json::parse(R"({"input_audio_transcription": {"language": "en"}})"));
  EXPECT_EQ(s.language, "en");
  EXPECT_EQ(SessionJson(s, "sess_1", "slt", true)["input_audio_transcription"]["language"], "en");
  s = ApplySessionUpdate(
      s, json::parse(R"({"audio": {"input": {"transcription": {"language": ""}}}})"));
  EXPECT_EQ(s.language, "");  // back to the configured one
  EXPECT_FALSE(SessionJson(s, "sess_1", "slt", false)["audio"]["input"]["transcription"].contains(
      "language"));
}

TEST(RealtimeSettingsTest, ABadLanguageIsRefusedAndNothingApplies) {
  RealtimeSettings s;
  s.language = "en";
  for (const char* bad :
       {R"({"model": "x", "audio": {"input": {"transcription": {"language": "en; rm -rf"}}}})",
        R"({"input_audio_transcription": {"language": 7}})", R"({"model": 3})"}) {
    try {
      ApplySessionUpdate(s, json::parse(bad));
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_value") << bad;
    }
  }
  EXPECT_EQ(s.language, "en");
  EXPECT_EQ(s.llm_model, "");
}

}  // namespace
}  // namespace mv
