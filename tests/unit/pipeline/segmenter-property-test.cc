// Randomised replies built from the constructs the segmenter treats
// specially: whatever the mix, fragmentation must not change the result and
// the display texts must add up to the reply. Deterministic seeds.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

const std::vector<std::string> kSnippets = {
    "a",         "Hello", "word",     " ",      "  ",      "\n",
    "\n\n",      ".",     "..",       "...",    "…",       ",",
    "，",        "。",    "！",       "!",      "?",       ":",
    ";",         "、",    "3",        "14",     "1,000",   "\"",
    "“",         "”",     "「",       "」",     "'",       "(",
    ")",         "（",    "）",       "[",      "]",       "[happy]",
    "[1]",       "](",    "*",        "**",     "_",       "`",
    "```",       "~",     "~~",       "#",      "# ",      "- ",
    "1. ",       "> ",    "|",        "---",    "http://", "https://x.com/a.b?c=1",
    "www.x.org", "😀",     "👍🏽", "\u200d", "你好",    "世界",
    "e.g.",      "Mr.",   "U.S.",     "\\",     "\\*",     "\t",
    "\r\n",      "x"};

std::string RandomReply(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> pick(0, kSnippets.size() - 1);
  std::uniform_int_distribution<int> length(0, 60);
  std::string out;
  for (int n = length(rng); n > 0; --n) out += kSnippets[pick(rng)];
  return out;
}

bool Same(const std::vector<Segment>& a, const std::vector<Segment>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].display_text != b[i].display_text ||
        a[i].emotion != b[i].emotion || a[i].index != b[i].index) {
      return false;
    }
  }
  return true;
}

std::vector<SegmenterOptions> OptionSets() {
  std::vector<SegmenterOptions> sets(4);
  sets[1].speak_only_quoted = true;
  sets[2].drop_parentheses = false;
  sets[2].drop_urls = false;
  sets[3].first_min_chars = 1;
  sets[3].min_chars = 2;
  sets[3].max_chars = 4;
  return sets;
}

TEST(SegmenterPropertyTest, FragmentationNeverMatters) {
  std::mt19937 rng(20240601);
  const auto option_sets = OptionSets();
  for (int round = 0; round < 400; ++round) {
    const std::string reply = RandomReply(rng);
    for (const SegmenterOptions& options : option_sets) {
      const auto whole = SegmentWhole(options, reply);
      std::string joined;
      for (std::size_t i = 0; i < whole.size(); ++i) {
        const Segment& s = whole[i];
        joined += s.display_text;
        ASSERT_EQ(s.index, static_cast<int>(i));
        ASSERT_FALSE(s.display_text.empty());
        if (s.speak()) {
          ASSERT_NE(s.text.front(), ' ') << s.text;
          ASSERT_NE(s.text.back(), ' ') << s.text;
        }
      }
      ASSERT_EQ(joined, reply);
      const auto pieces = SplitAtCharacters(reply, round, 1 + round % 6);
      ASSERT_TRUE(Same(whole, SegmentPieces(options, pieces)))
          << options.ToString() << "\nreply: [" << reply << "]\nwhole:\n"
          << Describe(whole) << "split:\n"
          << Describe(SegmentPieces(options, pieces));
      ASSERT_TRUE(Same(whole, SegmentPieces(options, SplitAtBytes(reply, 1))))
          << options.ToString() << "\nreply: [" << reply << "]";
    }
  }
}

}  // namespace
}  // namespace mv::testing
