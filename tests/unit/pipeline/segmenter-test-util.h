// Table-driven segmenter checks: each case runs on the whole reply and on
// many fragmentations of it, which must all give the same segments.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/segmenter.h"

namespace mv::testing {

struct SegmenterCase {
  std::string name;  // gtest parameter name: letters, digits, _
  std::string input;
  std::vector<std::string> spoken;  // texts of the segments TTS gets, in order
  // Optional: emotions of those spoken segments.
  std::vector<std::string> emotions = {};
  // Optional: display_text of every segment, spoken or not.
  std::vector<std::string> displays = {};
  SegmenterOptions options = {};
};

// For gtest's failure messages.
void PrintTo(const SegmenterCase& c, std::ostream* os);

SegmenterOptions QuotedOptions();

std::vector<Segment> SegmentPieces(const SegmenterOptions& options,
                                   const std::vector<std::string>& pieces);
std::vector<Segment> SegmentWhole(const SegmenterOptions& options, std::string_view text);

// Pieces of 1..max_chars characters (never splitting a UTF-8 sequence).
std::vector<std::string> SplitAtCharacters(std::string_view text, unsigned seed, int max_chars);
// Pieces of `bytes` bytes, splitting UTF-8 sequences too.
std::vector<std::string> SplitAtBytes(std::string_view text, std::size_t bytes);

std::string Describe(const std::vector<Segment>& segments);

// Runs every check on one case; reports failures through gtest.
void CheckCase(const SegmenterCase& c);

// "a1 a2 ... aN": a sentence without punctuation.
std::string Words(int first, int last);

struct CaseName {
  std::string operator()(const auto& info) const { return info.param.name; }
};

}  // namespace mv::testing
