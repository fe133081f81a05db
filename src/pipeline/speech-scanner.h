// Splits raw LLM reply text into tokens for the segmenter and decides, per
// token, what TTS hears: markdown markup, code blocks, emoji, [emotion] tags,
// parenthesised stage directions, URLs and (in quoted mode) narration are
// silent; punctuation is classified as a clause or sentence break, with the
// lookahead that "3.14", "e.g.", "1,000" or "a.com/x?y" need.
//
// Streaming: Next() reads only the front of the unconsumed input and returns
// false when it needs more characters to decide (a "." at the end of a
// fragment may be the decimal point of "3.14"). Every lookahead is bounded
// by a small constant, so scanning is linear in the input. State that spans
// tokens (code block, quotes, parentheses, link) lives here; quotes,
// parentheses, inline code and links end at a line break.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pipeline/segmenter-options.h"
#include "pipeline/text-peeker.h"

namespace mv {

enum class TokenKind {
  kText,       // anything not listed below, spoken or silent
  kSpace,      // white space (also a line break inside a code block)
  kNewline,    // a line break outside code: ends a sentence
  kBreak,      // clause or sentence punctuation
  kTag,        // [emotion] tag
  kFenceOpen,  // ``` or ~~~ opening a code block
};

enum class BreakKind { kClause, kSentence };

struct ScanToken {
  std::size_t size = 0;  // raw bytes consumed
  TokenKind kind = TokenKind::kText;
  BreakKind brk = BreakKind::kSentence;  // for kBreak
  std::string spoken;                    // what TTS hears of it, often empty
  bool gap = false;                      // silent content: a word gap in the spoken text
  bool closer = false;                   // may trail a sentence end: ) ” " ** `
  bool emoji = false;                    // may trail a sentence end, even after white space
  bool latin_end = false;                // ASCII .!? or …: a lowercase word after it continues
  std::string tag;                       // kTag: the emotion; empty for citations like [1]
};

class SpeechScanner {
 public:
  explicit SpeechScanner(const SegmenterOptions& options) : options_(options) {}

  // Reads the next token from the front of `input` into `token`. Returns
  // false when `input` is empty or the token is not decidable yet; with
  // `at_end` the end of input decides and it returns false only when empty.
  bool Next(std::string_view input, bool at_end, ScanToken* token);

  // Bytes examined so far, re-reads included: tests check it stays linear.
  std::size_t work() const { return work_; }

 private:
  enum class Outcome { kDone, kNeedMore, kPass };

  Outcome ScanFence(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanLineStart(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t,
                        bool* keep_line_start);
  Outcome ScanRuleLine(const TextPeeker& p, ScanToken* t);
  Outcome ScanLinkUrl(char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanBareUrl(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanInlineCode(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanInline(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanPunctuation(const TextPeeker& p, char32_t c0, std::size_t n0, ScanToken* t);
  Outcome ScanBracket(const TextPeeker& p, std::size_t n0, ScanToken* t);
  Outcome ScanDots(const TextPeeker& p, ScanToken* t);
  Outcome ScanUrlStart(const TextPeeker& p, std::size_t n0, ScanToken* t);

  // Whether ordinary text here is spoken (quotes, parentheses).
  bool Spoken() const;
  void Plain(std::string_view input, std::size_t size, ScanToken* t) const;
  void Silent(std::size_t size, ScanToken* t) const;
  void Break(std::string_view input, std::size_t size, BreakKind kind, ScanToken* t) const;
  bool IsAbbreviation() const;
  void EndLine();
  void Remember(std::string_view raw);

  SegmenterOptions options_;
  std::size_t work_ = 0;

  bool line_start_ = true;  // only indentation and block markers seen on this line
  bool in_fence_ = false;   // inside a ``` code block
  bool fence_line_start_ = false;
  char32_t fence_char_ = 0;
  std::size_t fence_len_ = 0;
  bool in_code_ = false;  // inside `inline code`
  std::size_t code_ticks_ = 0;
  bool in_url_ = false;  // inside a bare scheme://... URL
  int url_parens_ = 0;
  int link_brackets_ = 0;     // open [ of markdown links
  bool in_link_url_ = false;  // inside the (url) of [text](url)
  int link_url_parens_ = 0;
  int parens_ = 0;  // open dropped parentheses
  bool ascii_quote_open_ = false;
  int cjk_quotes_ = 0;
  std::string word_;  // trailing ASCII letters and dots, for "Mr." and "e.g."
  bool after_alnum_ = false;
};

}  // namespace mv
