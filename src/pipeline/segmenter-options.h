// Options of the streaming reply segmenter (see segmenter.h for the rules).
// Lengths are in "units": one CJK character (han, kana, hangul) or one word
// of any other script, both about a syllable-to-a-word of speech.
#pragma once

#include <string>

namespace mv {

struct SegmenterOptions {
  // Speak only text inside "..." (also “...” and 「...」); the rest is display-only.
  bool speak_only_quoted = false;
  // Do not speak (...) / （...）: stage directions such as (smiles).
  bool drop_parentheses = true;
  // Do not speak bare scheme://... URLs (markdown link URLs are never spoken).
  bool drop_urls = true;
  // The first spoken segment ends at the first clause or sentence punctuation
  // once it holds this many units, so the first audio starts early.
  int first_min_chars = 3;
  // false: the first segment follows the same rule as later ones (whole
  // sentences), as the original design did; for comparison benchmarks.
  bool early_first_segment = true;
  // Later segments end at sentence punctuation or a line break once they hold
  // this many units; shorter sentences merge with the next.
  int min_chars = 10;
  // A segment this long is cut at the next clause punctuation or white space;
  // at 5/4 of it, anywhere (CJK text without punctuation).
  int max_chars = 100;

  // Throws mv::Error (kInvalidInput) naming the offending key.
  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
