#include "unit/pipeline/segmenter-test-util.h"

#include <gtest/gtest.h>

#include <random>

namespace mv::testing {
namespace {

bool SameSegments(const std::vector<Segment>& a, const std::vector<Segment>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].display_text != b[i].display_text ||
        a[i].emotion != b[i].emotion || a[i].index != b[i].index) {
      return false;
    }
  }
  return true;
}

std::size_t CharSize(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

}  // namespace

void PrintTo(const SegmenterCase& c, std::ostream* os) { *os << c.name << " [" << c.input << "]"; }

SegmenterOptions QuotedOptions() {
  SegmenterOptions options;
  options.speak_only_quoted = true;
  return options;
}

std::vector<Segment> SegmentPieces(const SegmenterOptions& options,
                                   const std::vector<std::string>& pieces) {
  Segmenter segmenter(options);
  std::vector<Segment> all;
  for (const std::string& piece : pieces) {
    for (Segment& s : segmenter.Push(piece)) all.push_back(std::move(s));
  }
  for (Segment& s : segmenter.Finish()) all.push_back(std::move(s));
  return all;
}

std::vector<Segment> SegmentWhole(const SegmenterOptions& options, std::string_view text) {
  return SegmentPieces(options, {std::string(text)});
}

std::vector<std::string> SplitAtCharacters(std::string_view text, unsigned seed, int max_chars) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> count(1, max_chars);
  std::vector<std::string> pieces;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = pos;
    for (int n = count(rng); n > 0 && end < text.size(); --n) {
      end += CharSize(static_cast<unsigned char>(text[end]));
    }
    end = std::min(end, text.size());
    pieces.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return pieces;
}

std::vector<std::string> SplitAtBytes(std::string_view text, std::size_t bytes) {
  std::vector<std::string> pieces;
  for (std::size_t pos = 0; pos < text.size(); pos += bytes) {
    pieces.emplace_back(text.substr(pos, bytes));
  }
  return pieces;
}

std::string Describe(const std::vector<Segment>& segments) {
  std::string out;
  for (const Segment& s : segments) {
    out += "  #" + std::to_string(s.index) + " text=[" + s.text + "] display=[" + s.display_text +
           "] emotion=[" + s.emotion + "]\n";
  }
  return out;
}

void CheckCase(const SegmenterCase& c) {
  const std::vector<Segment> whole = SegmentWhole(c.options, c.input);
  SCOPED_TRACE("segments:\n" + Describe(whole));

  std::vector<std::string> spoken, emotions, displays;
  std::string joined;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].index, static_cast<int>(i));
    EXPECT_FALSE(whole[i].display_text.empty());
    joined += whole[i].display_text;
    displays.push_back(whole[i].display_text);
    if (whole[i].speak()) {
      spoken.push_back(whole[i].text);
      emotions.push_back(whole[i].emotion);
    }
  }
  EXPECT_EQ(joined, c.input) << "display texts must add up to the input";
  EXPECT_EQ(spoken, c.spoken);
  if (!c.emotions.empty()) {
    EXPECT_EQ(emotions, c.emotions);
  }
  if (!c.displays.empty()) {
    EXPECT_EQ(displays, c.displays);
  }

  // Fragmentation must not matter.
  for (unsigned seed = 1; seed <= 6; ++seed) {
    for (int max_chars : {1, 2, 3, 5, 9}) {
      const auto pieces = SplitAtCharacters(c.input, seed * 31 + max_chars, max_chars);
      const auto split = SegmentPieces(c.options, pieces);
      EXPECT_TRUE(SameSegments(whole, split)) << "seed " << seed << " max " << max_chars << ":\n"
                                              << Describe(split);
    }
  }
  for (std::size_t bytes : {1, 2, 4}) {
    const auto split = SegmentPieces(c.options, SplitAtBytes(c.input, bytes));
    EXPECT_TRUE(SameSegments(whole, split)) << bytes << "-byte pieces:\n" << Describe(split);
  }
}

std::string Words(int first, int last) {
  std::string out;
  for (int i = first; i <= last; ++i) {
    if (!out.empty()) out += ' ';
    out += "a" + std::to_string(i);
  }
  return out;
}

}  // namespace mv::testing
