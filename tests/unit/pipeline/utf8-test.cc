#include "pipeline/utf8.h"

#include <gtest/gtest.h>

namespace mv::utf8 {
namespace {

TEST(Utf8Test, DecodesAndEncodes) {
  const std::string s = "a\u00e9\u4f60\U0001F600";
  std::size_t pos = 0;
  std::string round;
  for (char32_t expected : {U'a', U'\u00e9', U'\u4f60', U'\U0001F600'}) {
    const Decoded d = Decode(s, pos);
    ASSERT_EQ(d.status, DecodeStatus::kOk);
    EXPECT_EQ(d.cp, expected);
    Append(round, d.cp);
    pos += d.size;
  }
  EXPECT_EQ(round, s);
  EXPECT_EQ(Decode(s, pos).status, DecodeStatus::kEnd);
}

TEST(Utf8Test, IncompleteAndInvalid) {
  EXPECT_EQ(Decode("\xe4\xbd", 0).status, DecodeStatus::kIncomplete);
  const Decoded bad = Decode("\xff", 0);
  EXPECT_EQ(bad.cp, 0xFFFDu);
  EXPECT_EQ(bad.size, 1u);
  EXPECT_EQ(Decode("\xe4x", 0).cp, 0xFFFDu);
  EXPECT_EQ(Decode("\xc0\x80", 0).cp, 0xFFFDu);  // overlong
  EXPECT_EQ(CompletePrefix("ab\xe4\xbd"), 2u);
  EXPECT_EQ(CompletePrefix("ab\xe4\xbd\xa0"), 5u);
  EXPECT_EQ(CompletePrefix(""), 0u);
}

TEST(Utf8Test, Classes) {
  EXPECT_TRUE(IsCjk(U'你'));
  EXPECT_TRUE(IsCjk(U'か'));
  EXPECT_TRUE(IsCjk(U'한'));
  EXPECT_FALSE(IsCjk(U'a'));
  EXPECT_TRUE(IsCjkPunct(U'。'));
  EXPECT_TRUE(IsCjkPunct(U'，'));
  for (char32_t e : {U'\U0001F600', U'\u2764', U'\uFE0F', U'\u200D', U'\U0001F3FD', U'\u2600'}) {
    EXPECT_TRUE(IsEmoji(e)) << static_cast<unsigned>(e);
    EXPECT_FALSE(IsSpeakable(e));
  }
  EXPECT_TRUE(IsSpeakable(U'é'));
  EXPECT_TRUE(IsSpeakable(U'Ж'));
  EXPECT_TRUE(IsSpeakable(U'９'));
  EXPECT_FALSE(IsSpeakable(U'。'));
  EXPECT_FALSE(IsSpeakable(U'…'));
  EXPECT_FALSE(IsSpeakable(U'-'));
  EXPECT_TRUE(IsSpace(U'\u3000'));
  EXPECT_FALSE(IsSpace(U'\n'));
}

}  // namespace
}  // namespace mv::utf8
