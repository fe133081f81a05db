#include "pipeline/emotion-reference.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(EmotionReferenceTest, SelectsByTag) {
  const std::map<std::string, RefAudio> refs = {
      {"happy", {"/refs/happy.wav", "I am so glad."}},
      {"Sad", {"/refs/sad.wav", "Oh well."}},
      {"开心", {"/refs/kaixin.wav", "太好了。"}},
  };
  ASSERT_NE(SelectReference(refs, "happy"), nullptr);
  EXPECT_EQ(SelectReference(refs, "happy")->wav_path, "/refs/happy.wav");
  EXPECT_EQ(SelectReference(refs, "sad")->transcript, "Oh well.");  // case-insensitive fallback
  EXPECT_EQ(SelectReference(refs, "开心")->wav_path, "/refs/kaixin.wav");
  EXPECT_EQ(SelectReference(refs, ""), nullptr);
  EXPECT_EQ(SelectReference(refs, "angry"), nullptr);
  EXPECT_EQ(SelectReference({}, "happy"), nullptr);
}

}  // namespace
}  // namespace mv
