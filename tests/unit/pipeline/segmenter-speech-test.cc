// What is spoken: quoted-only mode, parenthesised stage directions, emotion
// tags, and how unbalanced spans end.
#include <gtest/gtest.h>

#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

SegmenterOptions KeepParentheses() {
  SegmenterOptions options;
  options.drop_parentheses = false;
  return options;
}

const SegmenterCase kCases[] = {
    {.name = "QuotedMode",
     .input = "She smiled. \"Hello there, my friend!\" Then she waved. \"How are you today?\"",
     .spoken = {"Hello there, my friend!", "How are you today?"},
     .displays = {"She smiled. ", "\"Hello there, my friend!\" ", "Then she waved. ",
                  "\"How are you today?\""},
     .options = QuotedOptions()},
    {.name = "QuotedModeChinese",
     .input = "她笑了笑。“你好呀，很高兴见到你！”然后她挥了挥手。“今天过得怎么样？”",
     .spoken = {"你好呀，", "很高兴见到你！今天过得怎么样？"},
     .displays = {"她笑了笑。", "“你好呀，", "很高兴见到你！”然后她挥了挥手。“今天过得怎么样？”"},
     .options = QuotedOptions()},
    {.name = "QuotedModeCornerBrackets",
     .input = "他说「我们走吧」，然后出发了。",
     .spoken = {"我们走吧"},
     .options = QuotedOptions()},
    {.name = "QuotedSpanAcrossSentences",
     .input = "[happy]\"Great news! We won the game. Everyone played well.\" He cheered.",
     .spoken = {"Great news! We won the game.", "Everyone played well."},
     .emotions = {"happy", "happy"},
     .options = QuotedOptions()},
    {.name = "QuotedModeWithoutQuotes",
     .input = "No quotes here at all. Just narration.",
     .spoken = {},
     .displays = {"No quotes here at all. ", "Just narration."},
     .options = QuotedOptions()},
    {.name = "QuotedSpansJoined",
     .input = "\"I see,\" he said, \"that you are back again today.\"",
     .spoken = {"I see, that you are back again today."},
     .options = QuotedOptions()},
    {.name = "QuotedUnclosedEndsAtLine",
     .input = "\"Hello there my friend\nShe left. \"Bye now.\"",
     .spoken = {"Hello there my friend.", "Bye now."},
     .displays = {"\"Hello there my friend\n", "She left. ", "\"Bye now.\""},
     .options = QuotedOptions()},
    {.name = "QuotedStrayQuoteFlipsTheRestOfItsLine",
     .input = "He said hi\" and left.\n\"Bye now.\"",
     .spoken = {"and left. Bye now."},
     .options = QuotedOptions()},
    {.name = "QuotedEmojiAndNestedCjkQuotes",
     .input = "“他说「好的😊」然后走了。”她点点头。",
     .spoken = {"他说好的然后走了。"},
     .options = QuotedOptions()},
    {.name = "QuotedParenthesesInside",
     .input = "\"Hello (laughs) my dear friend.\" (He bows.)",
     .spoken = {"Hello my dear friend."},
     .options = QuotedOptions()},
    {.name = "NestedQuotesNormalMode",
     .input = "He said \"she told me “go home” yesterday\" and left.",
     .spoken = {"He said \"she told me “go home” yesterday\" and left."}},
    {.name = "Parentheses",
     .input = "(smiles warmly) Hello there, how are you doing today? (waves) I missed you（笑）.",
     .spoken = {"Hello there, how are you doing today?", "I missed you."}},
    {.name = "ParenthesesKept",
     .input = "I like Python (a language). It is fun.",
     .spoken = {"I like Python (a language).", "It is fun."},
     .options = KeepParentheses()},
    {.name = "NestedParentheses",
     .input = "Sure (he said (quietly) to me) let us go now. Yes.",
     .spoken = {"Sure let us go now.", "Yes."}},
    {.name = "UnclosedParenthesisEndsAtLine",
     .input = "Okay (this is never closed. Still hidden\nThis line is spoken again.",
     .spoken = {"Okay. This line is spoken again."}},
    {.name = "UnclosedParenthesisAtFinish",
     .input = "Right now (thinking about it",
     .spoken = {"Right now"}},
    {.name = "StrayClosingParenthesis",
     .input = "Item a) first thing. Item b) second thing.",
     .spoken = {"Item a) first thing.", "Item b) second thing."}},
    {.name = "ChineseParentheses",
     .input = "我觉得（小声）这样不太好吧。你觉得呢？",
     .spoken = {"我觉得这样不太好吧。", "你觉得呢？"}},
    {.name = "EmotionTags",
     .input = "[happy]I passed the exam today! [sad]But my friend did not pass it. [sad]He is "
              "upset.",
     .spoken = {"I passed the exam today!", "But my friend did not pass it. He is upset."},
     .emotions = {"happy", "sad"}},
    {.name = "EmotionChangeCuts",
     .input = "[happy]\"Yay!\" [sad]\"Oh no.\"",
     .spoken = {"Yay!", "Oh no."},
     .emotions = {"happy", "sad"},
     .displays = {"[happy]\"Yay!\" ", "[sad]\"Oh no.\""},
     .options = QuotedOptions()},
    {.name = "EmotionPersists",
     .input = "[angry]Stop that right now. I mean it. Do not do that again, ever. Understood?",
     .spoken = {"Stop that right now.", "I mean it. Do not do that again, ever. Understood?"},
     .emotions = {"angry", "angry"}},
    {.name = "ChineseEmotionTags",
     .input = "[开心]今天真是太好了！[难过]可是明天要下雨了。",
     .spoken = {"今天真是太好了！", "可是明天要下雨了。"},
     .emotions = {"开心", "难过"}},
    {.name = "TagAtVeryEnd",
     .input = "Thank you so much for your help! [happy]",
     .spoken = {"Thank you so much for your help!"},
     .emotions = {""},
     .displays = {"Thank you so much for your help! ", "[happy]"}},
    {.name = "LinkIsNotATag",
     .input = "[click here](https://x.com) to continue reading the article.",
     .spoken = {"click here to continue reading the article."},
     .emotions = {""}},
    {.name = "CitationsAreSilent",
     .input = "Paris is the capital of France[1]. It is a beautiful city[2].",
     .spoken = {"Paris is the capital of France.", "It is a beautiful city."},
     .emotions = {"", ""}},
    {.name = "IndexIsNotATag",
     .input = "Use a[i] inside the loop body.",
     .spoken = {"Use a i inside the loop body."},
     .emotions = {""}},
    {.name = "LongBracketIsNotATag",
     .input = "[this is not a tag at all] but text that is read out loud.",
     .spoken = {"this is not a tag at all but text that is read out loud."}},
};

class SegmenterSpeechTest : public ::testing::TestWithParam<SegmenterCase> {};

TEST_P(SegmenterSpeechTest, Segments) { CheckCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Speech, SegmenterSpeechTest, ::testing::ValuesIn(kCases), CaseName());

}  // namespace
}  // namespace mv::testing
