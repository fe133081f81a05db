// Punctuation that does not end a sentence: decimals, thousands, times,
// abbreviations, ellipses, URLs and e-mail addresses.
#include <gtest/gtest.h>

#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

SegmenterOptions KeepUrls() {
  SegmenterOptions options;
  options.drop_urls = false;
  return options;
}

const SegmenterCase kCases[] = {
    {.name = "Decimals",
     .input = "The value of pi is about 3.14 and e is about 2.718. Both are irrational "
              "numbers that never end.",
     .spoken = {"The value of pi is about 3.14 and e is about 2.718.",
                "Both are irrational numbers that never end."}},
    {.name = "VersionNumber",
     .input = "Version 2.0 is out. It has many new features for everyone to enjoy today.",
     .spoken = {"Version 2.0 is out.", "It has many new features for everyone to enjoy today."}},
    {.name = "ThousandsSeparator",
     .input = "We sold 1,000 units, which is great. Next year we hope to sell 25,000,000.",
     .spoken = {"We sold 1,000 units,", "which is great. Next year we hope to sell 25,000,000."}},
    {.name = "ClockTime",
     .input = "Meet me at 10:30 tomorrow, okay? I will wait at the main entrance.",
     .spoken = {"Meet me at 10:30 tomorrow,", "okay? I will wait at the main entrance."}},
    {.name = "NumberAtEnd", .input = "The answer is 42.", .spoken = {"The answer is 42."}},
    {.name = "ChineseDecimal",
     .input = "圆周率约等于3.14，是一个无理数。",
     .spoken = {"圆周率约等于3.14，", "是一个无理数。"}},
    {.name = "Abbreviations",
     .input = "Mr. Smith and Dr. Jones met Mrs. Brown at 5 p.m. yesterday. They talked about "
              "the U.S. economy, e.g. jobs, i.e. employment, etc. and more. It was long.",
     .spoken = {"Mr. Smith and Dr. Jones met Mrs. Brown at 5 p.m. yesterday.",
                "They talked about the U.S. economy, e.g. jobs, i.e. employment, etc. and more.",
                "It was long."}},
    {.name = "Initials",
     .input = "J. K. Rowling wrote it. Everyone in the world has read those books by now.",
     .spoken = {"J. K. Rowling wrote it.", "Everyone in the world has read those books by now."}},
    {.name = "AbbreviationEndsSentence",
     .input = "Hello there friend. I bought apples and pears and plums and grapes etc. Then I "
              "went home.",
     .spoken = {"Hello there friend.", "I bought apples and pears and plums and grapes etc.",
                "Then I went home."}},
    {.name = "Ellipsis",
     .input = "Well... I am not sure about that. Let me think… Okay, I have decided to go with "
              "the first option.",
     .spoken = {"Well... I am not sure about that.",
                "Let me think… Okay, I have decided to go with the first option."}},
    {.name = "EllipsisThenLowercase",
     .input = "I was thinking... maybe we could go to the beach tomorrow afternoon.",
     .spoken = {"I was thinking... maybe we could go to the beach tomorrow afternoon."}},
    {.name = "ChineseEllipsis",
     .input = "嗯……让我想想。这个问题有点复杂，我需要仔细考虑一下才能回答你。",
     .spoken = {"嗯……让我想想。", "这个问题有点复杂，我需要仔细考虑一下才能回答你。"}},
    {.name = "UrlDropped",
     .input = "Visit https://example.com/a.b?c=1 for details. The page explains everything "
              "you need to know.",
     .spoken = {"Visit for details.", "The page explains everything you need to know."}},
    {.name = "UrlKept",
     .input = "See http://example.com/a.b?c=1. It has all the docs you will need today.",
     .spoken = {"See http://example.com/a.b?c=1.", "It has all the docs you will need today."},
     .options = KeepUrls()},
    {.name = "UrlInParentheses",
     .input = "Read the guide (https://example.com/x_(y)) first. Then come back to me.",
     .spoken = {"Read the guide first.", "Then come back to me."}},
    {.name = "UrlInChinese",
     .input = "请访问https://example.com/docs.html。那里有详细的说明。",
     .spoken = {"请访问。", "那里有详细的说明。"}},
    {.name = "WwwAndEmail",
     .input = "Go to www.example.com or mail bob.smith@example.org today. Thanks a lot for "
              "reading this far.",
     .spoken = {"Go to www.example.com or mail bob.smith@example.org today.",
                "Thanks a lot for reading this far."}},
    {.name = "FileNamesAndPaths",
     .input = "Open config.yaml in C:\\tools. Then edit the file named main.cc carefully.",
     .spoken = {"Open config.yaml in C:\\tools.", "Then edit the file named main.cc carefully."}},
    {.name = "DialogueLowercase",
     .input = "\"Hi!\" she said. \"How are you?\" he asked with a smile on his face.",
     .spoken = {"\"Hi!\" she said.", "\"How are you?\" he asked with a smile on his face."}},
};

class SegmenterTextTest : public ::testing::TestWithParam<SegmenterCase> {};

TEST_P(SegmenterTextTest, Segments) { CheckCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Text, SegmenterTextTest, ::testing::ValuesIn(kCases), CaseName());

}  // namespace
}  // namespace mv::testing
