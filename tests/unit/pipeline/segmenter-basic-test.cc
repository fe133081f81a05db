// Where segments end: first clause early, later sentences with a minimum
// length, English, Chinese and both mixed.
#include <gtest/gtest.h>

#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

SegmenterOptions MaxOptions(int first_min, int min, int max) {
  SegmenterOptions options;
  options.first_min_chars = first_min;
  options.min_chars = min;
  options.max_chars = max;
  return options;
}

const SegmenterCase kCases[] = {
    {.name = "EmptyInput", .input = "", .spoken = {}, .displays = {}},
    {.name = "OnlyWhitespace", .input = "  \n ", .spoken = {}, .displays = {"  \n "}},
    {.name = "HelloHowAreYou",
     .input = "Hello! How are you? I am fine.",
     .spoken = {"Hello! How are you?", "I am fine."},
     .displays = {"Hello! How are you? ", "I am fine."}},
    {.name = "FirstClauseEnglish",
     .input = "Well, let me think about that, okay? It depends on many different factors "
              "that we should consider.",
     .spoken = {"Well, let me think about that,",
                "okay? It depends on many different factors that we should consider."}},
    {.name = "FirstClauseChineseTooShort",
     .input = "好的，我来帮你查一下天气。今天北京晴天，气温二十五度，适合出门。",
     .spoken = {"好的，我来帮你查一下天气。", "今天北京晴天，气温二十五度，适合出门。"}},
    {.name = "FirstClauseChinese",
     .input = "你好呀，很高兴认识你。",
     .spoken = {"你好呀，", "很高兴认识你。"},
     .displays = {"你好呀，", "很高兴认识你。"}},
    {.name = "ShortSentencesMerge",
     .input = "Yes. No. Maybe. I think we should go now. Okay.",
     .spoken = {"Yes. No. Maybe.", "I think we should go now. Okay."}},
    {.name = "LaterSentencesReachMinimum",
     .input = "Sure thing. The weather today is sunny and warm. You could go for a walk in "
              "the park. Bring water. Have fun out there today.",
     .spoken = {"Sure thing. The weather today is sunny and warm.",
                "You could go for a walk in the park. Bring water.", "Have fun out there today."}},
    {.name = "ChineseFullWidthPunctuation",
     .input = "今天天气怎么样？我觉得还不错！我们出去走走吧；顺便买点东西：水果、蔬菜。晚上见～",
     .spoken = {"今天天气怎么样？", "我觉得还不错！我们出去走走吧；顺便买点东西：水果、蔬菜。",
                "晚上见～"}},
    {.name = "MixedChineseEnglish",
     .input = "我最近在学Python，它很有用。The syntax is clean and easy to read. 你也可以试试！",
     .spoken = {"我最近在学Python，", "它很有用。The syntax is clean and easy to read.",
                "你也可以试试！"}},
    {.name = "AsciiPunctuationInChinese",
     .input = "你好,我是小明.今天很开心!你呢?",
     .spoken = {"你好,我是小明.", "今天很开心!你呢?"}},
    {.name = "NewlineEndsSentence",
     .input = "First line without punctuation\nSecond line here\n",
     .spoken = {"First line without punctuation.", "Second line here."},
     .displays = {"First line without punctuation\n", "Second line here\n"}},
    {.name = "ExclamationRuns",
     .input = "What?! Really?!! That is amazing!!! Tell me more about it please.",
     .spoken = {"What?! Really?!! That is amazing!!!", "Tell me more about it please."}},
    {.name = "ClosingQuoteStaysWithSentence",
     .input = "He said \"I am going home now.\" Then he left the room quietly.",
     .spoken = {"He said \"I am going home now.\"", "Then he left the room quietly."},
     .displays = {"He said \"I am going home now.\" ", "Then he left the room quietly."}},
    {.name = "ChineseClosingQuote",
     .input = "他说：“我明天再来。”然后就走了，再也没有回头看一眼。",
     .spoken = {"他说：“我明天再来。”", "然后就走了，再也没有回头看一眼。"}},
    {.name = "MaxCharsAtWhitespace",
     .input = Words(1, 25),
     .spoken = {Words(1, 10), Words(11, 20), Words(21, 25)},
     .options = MaxOptions(3, 5, 10)},
    {.name = "MaxCharsCjkWithoutPunctuation",
     .input = "一二三四五六七八九十一二三四五六七八九十一二三四五",
     .spoken = {"一二三四五六七八九十", "一二三四五六七八九十", "一二三四五"},
     .options = MaxOptions(3, 5, 8)},
    {.name = "MaxCharsAtClause",
     .input = "好的呀。一二三四五六七八九，十一二三。",
     .spoken = {"好的呀。", "一二三四五六七八九，", "十一二三。"},
     .options = MaxOptions(3, 5, 8)},
    {.name = "MinimumOne",
     .input = "Go. Run. Stop.",
     .spoken = {"Go.", "Run.", "Stop."},
     .options = MaxOptions(1, 1, 10)},
};

class SegmenterBasicTest : public ::testing::TestWithParam<SegmenterCase> {};

TEST_P(SegmenterBasicTest, Segments) { CheckCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Basic, SegmenterBasicTest, ::testing::ValuesIn(kCases), CaseName());

}  // namespace
}  // namespace mv::testing
