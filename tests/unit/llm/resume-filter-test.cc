#include "llm/resume-filter.h"

#include <gtest/gtest.h>

#include <vector>

namespace mv {
namespace {

std::string Filter(const std::string& delivered, const std::vector<std::string>& pieces) {
  ResumeFilter f(delivered);
  std::string out;
  for (const auto& p : pieces) out += f.Push(p);
  f.Finish();
  return out;
}

TEST(ResumeFilterTest, NothingDeliveredPassesEverything) {
  EXPECT_EQ(Filter("", {"Hello", " world"}), "Hello world");
}

TEST(ResumeFilterTest, ContinuationPassesAtOnce) {
  ResumeFilter f("The quick");
  EXPECT_EQ(f.Push(" brown"), " brown");
  EXPECT_TRUE(f.passthrough());
  EXPECT_EQ(f.Push(" fox"), " fox");
}

TEST(ResumeFilterTest, RestartRepeatingTheDeliveredTextIsDropped) {
  EXPECT_EQ(Filter("The quick brown", {"The", " quick", " brown", " fox", " jumps"}), " fox jumps");
  // The repeat may be cut differently from the original.
  EXPECT_EQ(Filter("The quick brown", {"The qu", "ick brown fo", "x"}), " fox");
}

TEST(ResumeFilterTest, RestartThatStopsShortDeliversNothing) {
  EXPECT_EQ(Filter("The quick brown", {"The", " quick"}), "");
  EXPECT_EQ(Filter("The quick brown", {"The", " quick", " brown"}), "");
}

TEST(ResumeFilterTest, HeldTextIsReleasedWhenItDiverges) {
  // Starts like the delivered text, then turns out to be something else.
  EXPECT_EQ(Filter("The quick brown", {"The", " end."}), "The end.");
}

}  // namespace
}  // namespace mv
