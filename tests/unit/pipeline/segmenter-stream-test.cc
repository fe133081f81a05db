// Streaming behaviour: lookahead across fragments, Finish/Reset, options,
// and linear work on a long reply pushed token by token.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

std::vector<std::string> Texts(const std::vector<Segment>& segments) {
  std::vector<std::string> out;
  for (const Segment& s : segments) out.push_back(s.text);
  return out;
}

TEST(SegmenterStreamTest, DotAtFragmentEndWaitsForNextCharacter) {
  Segmenter segmenter;
  EXPECT_TRUE(segmenter.Push("It costs 3.").empty());
  EXPECT_TRUE(segmenter.Push("5").empty());
  EXPECT_TRUE(segmenter.Push(" dollars and more. ").empty());  // cut waits for the next word
  const auto first = segmenter.Push("Then");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].text, "It costs 3.5 dollars and more.");
  EXPECT_EQ(Texts(segmenter.Finish()), std::vector<std::string>{"Then"});
}

TEST(SegmenterStreamTest, FinishDecidesTrailingDot) {
  Segmenter segmenter;
  EXPECT_TRUE(segmenter.Push("Version 2.").empty());
  const auto rest = segmenter.Finish();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].text, "Version 2.");
}

TEST(SegmenterStreamTest, FirstSegmentComesOutBeforeTheReplyEnds) {
  Segmenter segmenter;
  std::vector<Segment> got;
  for (const char* token : {"你好", "呀", "，", "我是", "你的", "助手"}) {
    for (Segment& s : segmenter.Push(token)) got.push_back(std::move(s));
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "你好呀，");
  EXPECT_EQ(got[0].index, 0);
  const auto rest = segmenter.Finish();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].index, 1);
}

TEST(SegmenterStreamTest, TagSplitAcrossTokens) {
  const auto got = SegmentPieces({}, {"[ha", "ppy", "]Hello there, ", "friend."});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].emotion, "happy");
  EXPECT_EQ(got[0].text, "Hello there, friend.");
}

TEST(SegmenterStreamTest, EmotionAccessorFollowsTags) {
  Segmenter segmenter;
  segmenter.Push("[calm]Breathe in. ");
  EXPECT_EQ(segmenter.emotion(), "calm");
  segmenter.Push("[excited]Now go!");
  EXPECT_EQ(segmenter.emotion(), "excited");
  segmenter.Finish();
  segmenter.Reset();
  EXPECT_EQ(segmenter.emotion(), "");
}

TEST(SegmenterStreamTest, PushAfterFinishNeedsReset) {
  Segmenter segmenter;
  segmenter.Push("Hello.");
  segmenter.Finish();
  EXPECT_TRUE(segmenter.Finish().empty());
  EXPECT_THROW(segmenter.Push("more"), std::logic_error);
  segmenter.Reset();
  segmenter.Push("Again, from the start.");
  const auto got = segmenter.Finish();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].index, 0);
}

TEST(SegmenterStreamTest, InvalidUtf8IsKeptForDisplay) {
  const std::string input = "Bad \xff\xfe bytes here. And a cut \xe4\xbd";
  std::string joined;
  for (const Segment& s : SegmentPieces({}, SplitAtBytes(input, 1))) joined += s.display_text;
  EXPECT_EQ(joined, input);
}

TEST(SegmenterStreamTest, InvalidOptionsThrow) {
  SegmenterOptions options;
  options.min_chars = 0;
  EXPECT_THROW(Segmenter{options}, Error);
  options = {};
  options.max_chars = 5;  // below min_chars
  EXPECT_THROW(Segmenter{options}, Error);
  EXPECT_NE(SegmenterOptions{}.ToString().find("min_chars=10"), std::string::npos);
}

// A 100 KB markdown-ish reply pushed a few bytes at a time: the scanner's
// work must stay a small multiple of the input (no re-scanning of the
// buffer per push). Also a smoke test that it simply finishes.
TEST(SegmenterStreamTest, LongReplyTokenByTokenIsLinear) {
  const std::string unit =
      "**Note:** the value 3.14 is close to pi, see https://example.com/a.b?c=1 (smiles). "
      "[happy]\"Great!\" 你好，世界。这是一个测试…… 😀\n- item one\n```\ncode.line()\n```\n";
  std::string reply;
  while (reply.size() < 100 * 1024) reply += unit;
  const auto pieces = SplitAtCharacters(reply, 7, 4);

  Segmenter segmenter;
  std::size_t segments = 0;
  std::string joined;
  for (const std::string& piece : pieces) {
    for (const Segment& s : segmenter.Push(piece)) {
      joined += s.display_text;
      ++segments;
    }
  }
  for (const Segment& s : segmenter.Finish()) {
    joined += s.display_text;
    ++segments;
  }
  EXPECT_EQ(joined, reply);
  EXPECT_GT(segments, reply.size() / unit.size());
  // About 3 bytes per input byte here; quadratic re-scanning would be thousands.
  EXPECT_LT(segmenter.scan_work(), 8 * reply.size()) << "scan work is not linear";
}

}  // namespace
}  // namespace mv::testing
