// UTF-8 decoding and the few character classes the segmenter needs. No ICU:
// the classes are hand-kept code point ranges, good enough for deciding what
// a TTS engine can say and where a sentence ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mv::utf8 {

enum class DecodeStatus {
  kOk,          // `cp` and `size` are set
  kIncomplete,  // a multi-byte sequence is cut off at the end of the input
  kEnd,         // no bytes at `pos`
};

struct Decoded {
  DecodeStatus status = DecodeStatus::kEnd;
  char32_t cp = 0;
  std::size_t size = 0;
};

// Decodes the code point at `pos`. An invalid byte decodes as U+FFFD of size
// 1, so every byte is accounted for and the raw text survives unchanged.
Decoded Decode(std::string_view s, std::size_t pos);

// Length of the longest prefix of `s` that ends on a code point boundary.
std::size_t CompletePrefix(std::string_view s);

void Append(std::string& out, char32_t cp);

inline bool IsOneOf(char32_t cp, std::u32string_view set) {
  return set.find(cp) != std::u32string_view::npos;
}
bool IsAsciiAlnum(char32_t cp);
bool IsAsciiLower(char32_t cp);
// Horizontal or vertical white space, ASCII or not (U+3000, NBSP...), not '\n'.
bool IsSpace(char32_t cp);
// Han, kana, hangul: each character is about one spoken syllable or word.
bool IsCjk(char32_t cp);
// Full-width punctuation and symbols used in CJK text (。，、「」...).
bool IsCjkPunct(char32_t cp);
// Pictographs and emoji plumbing (ZWJ, variation selectors, skin tones, tags).
bool IsEmoji(char32_t cp);
// A letter or digit of any script: something a TTS engine pronounces.
bool IsSpeakable(char32_t cp);

}  // namespace mv::utf8
