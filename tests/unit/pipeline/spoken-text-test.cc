#include "pipeline/spoken-text.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(SpokenTextTest, CountsCjkCharactersAndWords) {
  SpokenText text;
  text.Append("Hello, world! 你好 don't 3.14 e-mail");
  EXPECT_EQ(text.units(), 2 + 2 + 1 + 1 + 1);
}

TEST(SpokenTextTest, CollapsesWhiteSpaceAndStripsLeadingPunctuation) {
  SpokenText text;
  text.Append(" ，  Hello \t  there \n ");
  EXPECT_EQ(text.Take(), "Hello there");
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(text.units(), 0);
}

TEST(SpokenTextTest, GapIsASpaceOnlyBetweenNonCjkWords) {
  SpokenText text;
  text.Append("Great");
  text.Gap();
  text.Append("job");
  text.Gap();
  text.Append("!好");
  text.Gap();
  text.Append("的");
  EXPECT_EQ(text.Take(), "Great job!好的");
}

TEST(SpokenTextTest, EndLineAddsAFullStopToBareLines) {
  SpokenText text;
  text.Append("apples");
  text.EndLine();
  text.Append("苹果");
  text.EndLine();
  text.Append("done.");
  text.EndLine();
  EXPECT_EQ(text.Take(), "apples. 苹果。 done.");
}

}  // namespace
}  // namespace mv
