// Line-level markdown: code fences, indentation, headings, block quotes,
// bullets, numbered items and rule / table-separator lines.
#include "pipeline/speech-scanner.h"
#include "pipeline/utf8.h"

namespace mv {
namespace {

constexpr char32_t kNeedMore = TextPeeker::kNeedMore;
constexpr char32_t kEnd = TextPeeker::kEnd;
constexpr std::size_t kMaxRuleBytes = 160;  // ---, |---|---| lines

}  // namespace

SpeechScanner::Outcome SpeechScanner::ScanFence(const TextPeeker& p, char32_t c0, std::size_t n0,
                                                ScanToken* t) {
  if (fence_line_start_ && (c0 == ' ' || c0 == '\t')) {
    Silent(n0, t);
    return Outcome::kDone;
  }
  if (fence_line_start_ && c0 == fence_char_) {
    const std::size_t run = p.Run(0, c0);
    if (run == std::string_view::npos) return Outcome::kNeedMore;
    if (run >= fence_len_) {
      Silent(run, t);
      t->closer = true;
      in_fence_ = false;
      return Outcome::kDone;
    }
  }
  fence_line_start_ = false;
  if (c0 == '\n') {
    t->size = 1;
    t->kind = TokenKind::kSpace;  // lets an oversized block be cut at a line
    fence_line_start_ = true;
    return Outcome::kDone;
  }
  // One character per token, like everywhere else: token boundaries must
  // not depend on how the input was fragmented.
  Silent(n0, t);
  return Outcome::kDone;
}

SpeechScanner::Outcome SpeechScanner::ScanLineStart(const TextPeeker& p, char32_t c0,
                                                    std::size_t n0, ScanToken* t,
                                                    bool* keep_line_start) {
  if (c0 == ' ' || c0 == '\t') {  // indentation
    t->size = n0;
    t->kind = TokenKind::kSpace;
    *keep_line_start = true;
    return Outcome::kDone;
  }
  if (c0 == '`' || c0 == '~') {
    const std::size_t run = p.Run(0, c0);
    if (run == std::string_view::npos) return Outcome::kNeedMore;
    if (run >= 3) {
      Silent(run, t);
      t->kind = TokenKind::kFenceOpen;
      in_fence_ = true;
      fence_line_start_ = false;
      fence_char_ = c0;
      fence_len_ = run;
      return Outcome::kDone;
    }
    return Outcome::kPass;
  }
  if (utf8::IsOneOf(c0, U"-*_=|:")) {
    const Outcome rule = ScanRuleLine(p, t);
    if (rule != Outcome::kPass) return rule;
  }
  if (c0 == '#') {
    const std::size_t run = p.Run(0, '#');
    if (run == std::string_view::npos) return Outcome::kNeedMore;
    const char32_t next = p.At(run);
    if (next == kNeedMore) return Outcome::kNeedMore;
    if (run <= 6 && (next == ' ' || next == '\t' || next == '\n' || next == kEnd)) {
      Silent(run + (next == ' ' || next == '\t' ? 1 : 0), t);
      return Outcome::kDone;
    }
    return Outcome::kPass;
  }
  if (c0 == '>') {  // block quote; more markers may follow
    const char32_t next = p.At(1);
    if (next == kNeedMore) return Outcome::kNeedMore;
    Silent(next == ' ' ? 2 : 1, t);
    *keep_line_start = true;
    return Outcome::kDone;
  }
  if (c0 == '-' || c0 == '*' || c0 == '+') {  // bullet
    const char32_t next = p.At(1);
    if (next == kNeedMore) return Outcome::kNeedMore;
    if (next == ' ' || next == '\t') {
      Silent(2, t);
      return Outcome::kDone;
    }
    return Outcome::kPass;
  }
  if (c0 >= '0' && c0 <= '9') {  // "1. " or "1) "
    std::size_t pos = 0;
    char32_t c = c0;
    while (pos < 3 && c >= '0' && c <= '9') c = p.At(++pos);
    if (c == kNeedMore) return Outcome::kNeedMore;
    if (c != '.' && c != ')') return Outcome::kPass;
    const char32_t after = p.At(pos + 1);
    if (after == kNeedMore) return Outcome::kNeedMore;
    if (after != ' ' && after != '\t') return Outcome::kPass;
    Silent(pos + 2, t);
    return Outcome::kDone;
  }
  return Outcome::kPass;
}

// A thematic break, setext underline or table separator: ---, ***, ===,
// |---|:--:|. Silent as a whole; the line break after it stays a token.
SpeechScanner::Outcome SpeechScanner::ScanRuleLine(const TextPeeker& p, ScanToken* t) {
  std::size_t pos = 0;
  int marks = 0;
  while (pos < kMaxRuleBytes) {
    const char32_t c = p.At(pos);
    if (c == kNeedMore) return Outcome::kNeedMore;
    if (c == kEnd || c == '\n') break;
    if (utf8::IsOneOf(c, U"-*_=")) {
      ++marks;
    } else if (!utf8::IsOneOf(c, U"|: \t")) {
      return Outcome::kPass;
    }
    ++pos;
  }
  if (marks < 3 || pos >= kMaxRuleBytes) return Outcome::kPass;
  Silent(pos, t);
  return Outcome::kDone;
}

}  // namespace mv
