#include "pipeline/utf8.h"

namespace mv::utf8 {
namespace {

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

struct Range {
  char32_t lo, hi;
};

template <std::size_t N>
bool InRanges(char32_t cp, const Range (&ranges)[N]) {
  for (const Range& r : ranges) {
    if (cp >= r.lo && cp <= r.hi) return true;
  }
  return false;
}

constexpr Range kCjk[] = {
    {0x1100, 0x11FF}, {0x3040, 0x30FF}, {0x3130, 0x318F}, {0x31F0, 0x31FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF}, {0xAC00, 0xD7AF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F}, {0x30000, 0x3134F},
};

constexpr Range kCjkPunct[] = {
    {0x3000, 0x303F}, {0xFE30, 0xFE4F}, {0xFF01, 0xFF0F},
    {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},
};

// Emoji presentation blocks plus the joiners and modifiers that glue
// sequences together; dingbats/arrows/shapes are read badly by every engine.
constexpr Range kEmoji[] = {
    {0x200D, 0x200D},   {0x20E3, 0x20E3},   {0x2190, 0x21FF},   {0x2300, 0x23FF},
    {0x25A0, 0x27BF},   {0x2900, 0x297F},   {0x2B00, 0x2BFF},   {0x3030, 0x3030},
    {0x303D, 0x303D},   {0x3297, 0x3297},   {0x3299, 0x3299},   {0xFE00, 0xFE0F},
    {0x1F000, 0x1FAFF}, {0x1FC00, 0x1FFFD}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

// Non-ASCII code points that are punctuation, symbols or formatting.
constexpr Range kNotSpeakable[] = {
    {0x0080, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x2000, 0x2BFF}, {0x3000, 0x303F},
    {0xD800, 0xDFFF}, {0xE000, 0xF8FF}, {0xFE00, 0xFE0F}, {0xFE30, 0xFE4F}, {0xFEFF, 0xFEFF},
    {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF},
};

}  // namespace

Decoded Decode(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return {};
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {DecodeStatus::kOk, b0, 1};
  const Decoded invalid{DecodeStatus::kOk, 0xFFFD, 1};
  std::size_t need;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return invalid;
  }
  for (std::size_t i = 1; i < need; ++i) {
    if (pos + i >= s.size()) return {DecodeStatus::kIncomplete, 0, 0};
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if (i == 1 ? (b < lo || b > hi) : !IsContinuation(b)) return invalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  return {DecodeStatus::kOk, cp, need};
}

std::size_t CompletePrefix(std::string_view s) {
  std::size_t lead = s.size();
  for (std::size_t back = 1; back <= 4 && back <= s.size(); ++back) {
    if (!IsContinuation(static_cast<unsigned char>(s[s.size() - back]))) {
      lead = s.size() - back;
      break;
    }
  }
  if (lead == s.size()) return s.size();
  return Decode(s, lead).status == DecodeStatus::kIncomplete ? lead : s.size();
}

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

bool IsAsciiLower(char32_t cp) { return cp >= 'a' && cp <= 'z'; }

bool IsSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
         cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F;
}

bool IsCjk(char32_t cp) { return cp >= 0x1100 && InRanges(cp, kCjk); }

bool IsCjkPunct(char32_t cp) { return cp >= 0x3000 && InRanges(cp, kCjkPunct); }

bool IsEmoji(char32_t cp) { return cp >= 0x200D && InRanges(cp, kEmoji); }

bool IsSpeakable(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlnum(cp);
  return !InRanges(cp, kNotSpeakable) && !IsEmoji(cp);
}

}  // namespace mv::utf8
