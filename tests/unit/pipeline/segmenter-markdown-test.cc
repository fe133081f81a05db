// Markdown, code blocks and emoji: shown to the client, never spoken.
#include <gtest/gtest.h>

#include "unit/pipeline/segmenter-test-util.h"

namespace mv::testing {
namespace {

const SegmenterCase kCases[] = {
    {.name = "EmphasisAndInlineCode",
     .input = "This is **very** important and *really* useful: use the `ls` command. Then run "
              "`make`.",
     .spoken = {"This is very important and really useful:", "use the ls command. Then run make."}},
    {.name = "BoldSentenceEnd",
     .input = "**Done.** Now we can move on to the next part of the plan together.",
     .spoken = {"Done. Now we can move on to the next part of the plan together."},
     .displays = {"**Done.** Now we can move on to the next part of the plan together."}},
    {.name = "Headings",
     .input = "# Summary\nThe results are good.\n## Details\nMore text follows here for you.",
     .spoken = {"Summary. The results are good.", "Details. More text follows here for you."}},
    {.name = "BulletList",
     .input = "Here is the list:\n- apples\n- pears\n* bananas and more fruit\n",
     .spoken = {"Here is the list:", "apples. pears. bananas and more fruit."},
     .displays = {"Here is the list:\n", "- apples\n- pears\n* bananas and more fruit\n"}},
    {.name = "NumberedList",
     .input = "Steps:\n1. Open the door.\n2. Walk inside the house.\n3. Close the door behind "
              "you.\n",
     .spoken = {"Steps: Open the door.", "Walk inside the house. Close the door behind you."}},
    {.name = "NestedListAndNumberNotAList",
     .input = "Options:\n  - first choice\n  - second choice\n3.5 percent is the rate.",
     .spoken = {"Options: first choice.", "second choice. 3.5 percent is the rate."}},
    {.name = "LinkTextSpoken",
     .input = "Read [the docs](https://example.com/docs.html) first. Then ask me anything you "
              "want.",
     .spoken = {"Read the docs first.", "Then ask me anything you want."}},
    {.name = "BlockQuote",
     .input = "> To be or not to be.\n> That is the question.\nSaid Hamlet.",
     .spoken = {"To be or not to be.", "That is the question. Said Hamlet."}},
    {.name = "CodeBlock",
     .input = "Run this:\n```bash\nls -la\necho \"hi. there\"\n```\nThat lists the files in "
              "the directory.",
     .spoken = {"Run this:", "That lists the files in the directory."},
     .displays = {"Run this:\n", "```bash\nls -la\necho \"hi. there\"\n```\n",
                  "That lists the files in the directory."}},
    {.name = "OnlyCodeBlock",
     .input = "```\nint x = 1;\n```",
     .spoken = {},
     .displays = {"```\nint x = 1;\n```"}},
    {.name = "UnclosedCodeBlock",
     .input = "Look at this:\n```\ncode here. more code.\n",
     .spoken = {"Look at this:"},
     .displays = {"Look at this:\n", "```\ncode here. more code.\n"}},
    {.name = "TildeFenceAndShortInnerFence",
     .input = "Example:\n~~~~\n~~~\nnot closed yet\n~~~~\nBack to normal text here.",
     .spoken = {"Example:", "Back to normal text here."}},
    {.name = "Emoji",
     .input = "Great job 👍! You did it 🎉🎉. Keep going, you are doing amazing work today 😊",
     .spoken = {"Great job! You did it.", "Keep going, you are doing amazing work today"},
     .displays = {"Great job 👍! You did it 🎉🎉. ",
                  "Keep going, you are doing amazing work today 😊"}},
    {.name = "OnlyEmoji", .input = "😀😃🎉", .spoken = {}, .displays = {"😀😃🎉"}},
    {.name = "EmojiSequences",
     .input = "Family time 👨‍👩‍👧‍👦 is the best time of the week. I love it ❤️ so "
              "much "
              "👍🏽.",
     .spoken = {"Family time is the best time of the week.", "I love it so much."}},
    {.name = "EmojiBetweenChinese",
     .input = "太棒了😊我们成功了！🎉",
     .spoken = {"太棒了我们成功了！"},
     .displays = {"太棒了😊我们成功了！🎉"}},
    {.name = "EmojiOnlySentence",
     .input = "I am so happy for you today! 🎉🎉🎉\n👍\nLet us celebrate.",
     .spoken = {"I am so happy for you today!", "Let us celebrate."}},
    {.name = "TablesAndRules",
     .input = "Results:\n\n| Name | Score |\n|------|-------|\n| Alice | 90 |\n\n---\nThat is "
              "all.",
     .spoken = {"Results: Name Score.", "Alice 90. That is all."}},
    {.name = "SnakeCaseAndStrike",
     .input = "Call get_user_name now. It is ~~old~~ new and returns a string value for you.",
     .spoken = {"Call get user name now.", "It is old new and returns a string value for you."}},
    {.name = "InlineCodeHasNoBreaks",
     .input = "Type `cd .. && ls. Done` now, then press enter to continue.",
     .spoken = {"Type cd.. && ls. Done now,", "then press enter to continue."}},
    {.name = "TagInsideCodeIsText",
     .input = "Write `[happy]` in the prompt to set a mood.\n```\n[sad]\n```\nThat is it.",
     .spoken = {"Write [happy] in the prompt to set a mood.", "That is it."},
     .emotions = {"", ""}},
    {.name = "EscapedMarkup",
     .input = "Use \\*stars\\* and \\_underscores\\_ literally in your message text.",
     .spoken = {"Use *stars* and _underscores_ literally in your message text."}},
};

class SegmenterMarkdownTest : public ::testing::TestWithParam<SegmenterCase> {};

TEST_P(SegmenterMarkdownTest, Segments) { CheckCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Markdown, SegmenterMarkdownTest, ::testing::ValuesIn(kCases), CaseName());

}  // namespace
}  // namespace mv::testing
