// <think> blocks in `content` (Qwen3, DeepSeek-R1 on Ollama / llama.cpp)
// never reach the listener, wherever the stream cuts the tags.
#include "llm/think-filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mv {
namespace {

// Feeds `text` cut at the given positions, returns what came out.
std::string Filter(const std::string& text, const std::vector<std::size_t>& cuts) {
  ThinkFilter f;
  std::string out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    out += f.Push(std::string_view(text).substr(at, cut - at));
    at = cut;
  }
  out += f.Push(std::string_view(text).substr(at));
  return out + f.Finish();
}

std::string Whole(const std::string& text) { return Filter(text, {}); }

TEST(ThinkFilterTest, DropsTheBlockAndTheBlankLinesAfterIt) {
  EXPECT_EQ(Whole("<think>\nThe user greets me. I should greet back.\n</think>\n\nHello there!"),
            "Hello there!");
  // /no_think: an empty block.
  EXPECT_EQ(Whole("<think>\n\n</think>\n\n\"Hi!\" she said."), "\"Hi!\" she said.");
  EXPECT_EQ(Whole("Before. <think>x</think>After."), "Before. After.");
  EXPECT_EQ(Whole("<think>a</think>One.<think>b</think> Two."), "One.Two.");
}

TEST(ThinkFilterTest, EveryCutOfTheTagsGivesTheSameAnswer) {
  const std::string text = "<think>\nplan: say hi\n</think>\n\nHi, I am here. <think>x</think>Bye.";
  const std::string expected = "Hi, I am here. Bye.";
  for (std::size_t a = 0; a <= text.size(); ++a) {
    EXPECT_EQ(Filter(text, {a}), expected) << "cut at " << a;
    for (std::size_t b = a; b <= text.size(); b += 3) {
      ASSERT_EQ(Filter(text, {a, b}), expected) << "cuts at " << a << ", " << b;
    }
  }
  // One byte at a time.
  std::vector<std::size_t> bytes;
  for (std::size_t i = 1; i < text.size(); ++i) bytes.push_back(i);
  EXPECT_EQ(Filter(text, bytes), expected);
}

TEST(ThinkFilterTest, TextThatOnlyLooksLikeATagIsKept) {
  EXPECT_EQ(Whole("a < b and b <thinking> c <th"), "a < b and b <thinking> c <th");
  EXPECT_EQ(Filter("x <thin", {4}), "x <thin");  // held, then released at the end
  ThinkFilter f;
  EXPECT_EQ(f.Push("x <thi"), "x ");      // the possible tag start waits...
  EXPECT_EQ(f.Push("s is"), "<this is");  // ...and goes once it is not one
}

TEST(ThinkFilterTest, AnUnclosedBlockIsDroppedWhole) {
  EXPECT_EQ(Whole("Sure. <think>I was cut off mid-thou"), "Sure. ");
  ThinkFilter f;
  f.Push("<think>still thinking");
  EXPECT_TRUE(f.inside());
  EXPECT_EQ(f.Finish(), "");
}

TEST(ThinkFilterTest, MultibyteTextPassesUntouched) {
  EXPECT_EQ(Filter("<think>嗯……</think>\n你好呀，主人！", {3, 9, 14, 20}), "你好呀，主人！");
}

}  // namespace
}  // namespace mv
