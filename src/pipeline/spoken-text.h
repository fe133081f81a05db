// Builds the text one segment hands to TTS: whitespace collapsed, leading
// stray punctuation dropped, a word gap where silent content (an emoji, a
// stage direction, a tag) sat between two words, and a length measure in
// "units" (one CJK character or one word of any other script).
#pragma once

#include <string>
#include <string_view>

namespace mv {

class SpokenText {
 public:
  // Appends spoken UTF-8 text (white space in it is collapsed).
  void Append(std::string_view text);
  // Silent content was skipped here: "a👍b" reads "a b", but "好👍的" reads "好的".
  void Gap();
  // A line ended: give a bare line (list item, heading) a full stop so merged
  // lines are not read as one run-on sentence.
  void EndLine();

  int units() const { return units_; }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }
  // Returns the text and starts over.
  std::string Take();

 private:
  void AppendChar(char32_t cp);

  std::string text_;
  char32_t last_ = 0;  // last character written, 0 when none
  bool space_pending_ = false;
  bool gap_pending_ = false;
  bool in_word_ = false;  // inside a non-CJK word, for counting units
  int units_ = 0;
};

}  // namespace mv
