#include "support/wer.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(WordErrorRate, IdenticalIgnoringCaseAndPunctuation) {
  EXPECT_DOUBLE_EQ(WordErrorRate("Turn ON the lights, please!", "turn on the lights please"), 0.0);
  EXPECT_EQ(NormalizeWords("What's up -- 'twenty-one'?"),
            (std::vector<std::string>{"what's", "up", "twenty", "one"}));
}

TEST(WordErrorRate, CountsSubstitutionsDeletionsInsertions) {
  EXPECT_DOUBLE_EQ(WordErrorRate("a b c d", "a x c d"), 0.25);    // substitution
  EXPECT_DOUBLE_EQ(WordErrorRate("a b c d", "a c d"), 0.25);      // deletion
  EXPECT_DOUBLE_EQ(WordErrorRate("a b c d", "a b c d e"), 0.25);  // insertion
  EXPECT_DOUBLE_EQ(WordErrorRate("a b", "c d e f"), 2.0);         // can exceed 1
  EXPECT_EQ(WordEditDistance("please turn on the lights", "turn the light on"), 4u);
}

TEST(WordErrorRate, EmptyInputs) {
  EXPECT_DOUBLE_EQ(WordErrorRate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("  ,. ", ""), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("", "hello"), 1.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("hello world", ""), 1.0);
}

TEST(WordErrorRate, KeepsNonAsciiWords) {
  EXPECT_DOUBLE_EQ(WordErrorRate("你好 世界", "你好 世界"), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("你好 世界", "你好"), 0.5);
}

}  // namespace
}  // namespace mv
