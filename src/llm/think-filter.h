// Reasoning models served by Ollama or llama.cpp (Qwen3, DeepSeek-R1) write
// their thinking into `content` as <think>...</think>, even an empty
// "<think>\n\n</think>" under /no_think. This filter drops those blocks (and
// the blank lines after one) from a stream of text pieces, tags split across
// pieces included: a tail that may begin a tag is held until the next piece
// settles it. An unclosed block (the answer was cut) is dropped whole.
#pragma once

#include <string>
#include <string_view>

namespace mv {

class ThinkFilter {
 public:
  // The part of `piece` outside think blocks (maybe empty).
  std::string Push(std::string_view piece);
  // The stream ended: what was held back as a possible tag start, unless it
  // lies inside a block.
  std::string Finish();
  bool inside() const { return inside_; }

 private:
  void Emit(std::string& out, std::string_view text);

  std::string held_;     // text not yet judged: a possible tag start
  bool inside_ = false;  // between <think> and </think>
  bool trim_ = false;    // just after </think>: drop the whitespace that follows
};

}  // namespace mv
