#include "pipeline/speech-scanner.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "pipeline/utf8.h"

namespace mv {
namespace {

constexpr char32_t kNeedMore = TextPeeker::kNeedMore;
constexpr char32_t kEnd = TextPeeker::kEnd;

// Lookahead bounds: what does not resolve within them is plain text.
constexpr std::size_t kMaxTagChars = 24;
constexpr std::size_t kMaxScheme = 16;  // "https" in https://

// A character right after . , : ? ! that makes it part of a token, not
// punctuation: 3.14, 1,000, 10:30, a.com/x?y=1, C:\dir, e.g.
bool Glued(char32_t c) { return utf8::IsAsciiAlnum(c) || utf8::IsOneOf(c, U"/\\@=&%_"); }

bool IsTagChar(char32_t c) { return c == '_' || c == '-' || utf8::IsSpeakable(c); }

bool IsSchemeChar(char32_t c) { return utf8::IsAsciiAlnum(c) || c == '+' || c == '-' || c == '.'; }

// Never end a sentence: they precede a name or an example.
constexpr std::string_view kAbbreviations[] = {
    "mr",  "mrs",  "ms",  "dr",  "prof", "sr",  "jr", "st",  "mt",  "rev",    "gen", "col", "lt",
    "sgt", "capt", "gov", "sen", "rep",  "hon", "vs", "e.g", "i.e", "approx", "cf",  "fig"};

}  // namespace

bool SpeechScanner::Next(std::string_view input, bool at_end, ScanToken* token) {
  const TextPeeker p(input, at_end, &work_);
  std::size_t n0 = 0;
  const char32_t c0 = p.At(0, &n0);
  if (c0 == kNeedMore || c0 == kEnd) return false;
  ScanToken t;
  Outcome outcome = Outcome::kPass;
  bool keep_line_start = false;
  if (in_fence_) {
    outcome = ScanFence(p, c0, n0, &t);
  } else {
    if (line_start_) outcome = ScanLineStart(p, c0, n0, &t, &keep_line_start);
    if (outcome == Outcome::kPass) outcome = ScanInline(p, c0, n0, &t);
  }
  if (outcome != Outcome::kDone) return false;
  if (!in_fence_ && t.kind != TokenKind::kNewline && !keep_line_start) line_start_ = false;
  Remember(input.substr(0, t.size));
  *token = std::move(t);
  return true;
}

SpeechScanner::Outcome SpeechScanner::ScanLinkUrl(char32_t c0, std::size_t n0, ScanToken* t) {
  if (c0 == '(') {
    ++link_url_parens_;
  } else if (c0 == ')') {
    if (link_url_parens_ == 0) {
      in_link_url_ = false;
    } else {
      --link_url_parens_;
    }
  }
  Silent(n0, t);
  t->closer = true;  // "[done.](url)": the URL may trail a sentence end
  return Outcome::kDone;
}

SpeechScanner::Outcome SpeechScanner::ScanBareUrl(const TextPeeker& p, char32_t c0, std::size_t n0,
                                                  ScanToken* t) {
  bool ends = c0 >= 0x80 || utf8::IsSpace(c0) || utf8::IsOneOf(c0, U"\"'<>`]") ||
              (c0 == ')' && url_parens_ == 0);
  if (!ends && utf8::IsOneOf(c0, U".,;:!?")) {
    // Trailing punctuation belongs to the sentence: "see a.com/x." ends there.
    const char32_t next = p.At(n0);
    if (next == kNeedMore) return Outcome::kNeedMore;
    ends = !(utf8::IsAsciiAlnum(next) || utf8::IsOneOf(next, U"/#=&%-_~+"));
  }
  if (ends) {
    in_url_ = false;
    return Outcome::kPass;
  }
  if (c0 == '(') ++url_parens_;
  if (c0 == ')') --url_parens_;
  Silent(n0, t);
  return Outcome::kDone;
}

SpeechScanner::Outcome SpeechScanner::ScanInlineCode(const TextPeeker& p, char32_t c0,
                                                     std::size_t n0, ScanToken* t) {
  if (c0 == '`') {
    const std::size_t run = p.Run(0, '`');
    if (run == std::string_view::npos) return Outcome::kNeedMore;
    if (run == code_ticks_) {
      in_code_ = false;
      Silent(run, t);
      t->gap = false;
      t->closer = true;
      return Outcome::kDone;
    }
    Silent(run, t);
    return Outcome::kDone;
  }
  // Code is read as written (`ls` -> "ls"), but never split.
  if (utf8::IsEmoji(c0)) {
    Silent(n0, t);
  } else {
    Plain(p.s(), n0, t);
  }
  return Outcome::kDone;
}

SpeechScanner::Outcome SpeechScanner::ScanInline(const TextPeeker& p, char32_t c0, std::size_t n0,
                                                 ScanToken* t) {
  const std::string_view in = p.s();
  if (c0 == '\n') {
    t->size = 1;
    t->kind = TokenKind::kNewline;
    EndLine();
    return Outcome::kDone;
  }
  if (in_url_) {
    const Outcome url = ScanBareUrl(p, c0, n0, t);
    if (url != Outcome::kPass) return url;
  }
  if (utf8::IsSpace(c0)) {
    Plain(in, n0, t);
    t->kind = TokenKind::kSpace;
    return Outcome::kDone;
  }
  if (in_link_url_) return ScanLinkUrl(c0, n0, t);
  if (in_code_) return ScanInlineCode(p, c0, n0, t);
  if (utf8::IsEmoji(c0)) {
    Silent(n0, t);
    t->emoji = true;
    return Outcome::kDone;
  }
  const bool quoted_mode = options_.speak_only_quoted;
  switch (c0) {
    case '\\': {  // markdown escape: \* is a literal star
      const char32_t next = p.At(1);
      if (next == kNeedMore) return Outcome::kNeedMore;
      if (next < 0x80 && next > ' ' && !utf8::IsAsciiAlnum(next)) {
        Plain(in.substr(1), 1, t);
        t->size = 2;
      } else {
        Plain(in, 1, t);  // C:\dir
      }
      return Outcome::kDone;
    }
    case '`': {
      const std::size_t run = p.Run(0, '`');
      if (run == std::string_view::npos) return Outcome::kNeedMore;
      in_code_ = true;
      code_ticks_ = run;
      Silent(run, t);
      t->gap = false;
      return Outcome::kDone;
    }
    case '*':  // emphasis: "**bold**text" stays one word
      Silent(1, t);
      t->gap = false;
      t->closer = true;
      return Outcome::kDone;
    case '_':  // emphasis or snake_case: a word gap either way
      Silent(1, t);
      t->closer = true;
      return Outcome::kDone;
    case '|':  // table cell
      Silent(1, t);
      return Outcome::kDone;
    case '~': {
      const char32_t next = p.At(1);
      if (next == kNeedMore) return Outcome::kNeedMore;
      if (next == '~') {  // ~~strike~~
        Silent(2, t);
        t->gap = false;
        t->closer = true;
      } else if (utf8::IsAsciiAlnum(next) || next == '/') {
        Plain(in, 1, t);
      } else {
        Break(in, 1, BreakKind::kSentence, t);
      }
      return Outcome::kDone;
    }
    case '[':
      return ScanBracket(p, n0, t);
    case ']': {
      if (link_brackets_ == 0) {
        Silent(1, t);
        t->closer = true;
        return Outcome::kDone;
      }
      const char32_t next = p.At(1);
      if (next == kNeedMore) return Outcome::kNeedMore;
      --link_brackets_;
      Silent(next == '(' ? 2 : 1, t);
      t->closer = true;
      if (next == '(') {
        in_link_url_ = true;
        link_url_parens_ = 0;
      }
      return Outcome::kDone;
    }
    case '(':
    case U'（':
      if (!options_.drop_parentheses) break;
      ++parens_;
      Silent(n0, t);
      return Outcome::kDone;
    case ')':
    case U'）':
      if (parens_ > 0) {
        --parens_;
        Silent(n0, t);
      } else {
        Plain(in, n0, t);
      }
      t->closer = true;
      return Outcome::kDone;
    case '"':
      t->closer = ascii_quote_open_;
      ascii_quote_open_ = !ascii_quote_open_;
      quoted_mode ? Silent(n0, t) : Plain(in, n0, t);
      return Outcome::kDone;
    case U'“':
    case U'「':
    case U'『':
      ++cjk_quotes_;
      quoted_mode ? Silent(n0, t) : Plain(in, n0, t);
      return Outcome::kDone;
    case U'”':
    case U'」':
    case U'』':
      if (cjk_quotes_ > 0) --cjk_quotes_;
      quoted_mode ? Silent(n0, t) : Plain(in, n0, t);
      t->closer = true;
      return Outcome::kDone;
    case '\'':
    case U'’':
      Plain(in, n0, t);
      t->closer = true;
      return Outcome::kDone;
    default:
      break;
  }
  const Outcome punct = ScanPunctuation(p, c0, n0, t);
  if (punct != Outcome::kPass) return punct;
  if (options_.drop_urls && !after_alnum_ && utf8::IsAsciiAlnum(c0)) return ScanUrlStart(p, n0, t);
  Plain(in, n0, t);
  return Outcome::kDone;
}

// Clause and sentence punctuation, unless glued into a token (3.14, a.b/c).
SpeechScanner::Outcome SpeechScanner::ScanPunctuation(const TextPeeker& p, char32_t c0,
                                                      std::size_t n0, ScanToken* t) {
  const std::string_view in = p.s();
  switch (c0) {
    case '.':
      return ScanDots(p, t);
    case '!':
    case '?':
    case ',':
    case ';':
    case ':': {
      const char32_t next = p.At(1);
      if (next == kNeedMore) return Outcome::kNeedMore;
      if (Glued(next)) {
        Plain(in, 1, t);
      } else {
        const bool sentence = c0 == '!' || c0 == '?';
        Break(in, 1, sentence ? BreakKind::kSentence : BreakKind::kClause, t);
        t->latin_end = sentence;
      }
      return Outcome::kDone;
    }
    case U'。':
    case U'！':
    case U'？':
    case U'～':
    case U'．':
    case U'⋯':
      Break(in, n0, BreakKind::kSentence, t);
      return Outcome::kDone;
    case U'…':
      Break(in, n0, BreakKind::kSentence, t);
      t->latin_end = true;
      return Outcome::kDone;
    case U'，':
    case U'、':
    case U'；':
    case U'：':
      Break(in, n0, BreakKind::kClause, t);
      return Outcome::kDone;
    default:
      return Outcome::kPass;
  }
}

// "[tag]" is an emotion tag unless "(" follows (a markdown link).
SpeechScanner::Outcome SpeechScanner::ScanBracket(const TextPeeker& p, std::size_t n0,
                                                  ScanToken* t) {
  std::size_t pos = n0;
  bool digits_only = true;
  bool closed = false;
  for (std::size_t chars = 0; chars <= kMaxTagChars; ++chars) {
    std::size_t n = 0;
    const char32_t c = p.At(pos, &n);
    if (c == kNeedMore) return Outcome::kNeedMore;
    if (c == ']' && chars > 0) {
      closed = true;
      break;
    }
    if (c == kEnd || !IsTagChar(c)) break;
    digits_only = digits_only && c >= '0' && c <= '9';
    pos += n;
  }
  // "a[i]" is an index, not a tag; "France[1]" is still a citation.
  if (closed && (digits_only || !after_alnum_)) {
    const char32_t next = p.At(pos + 1);
    if (next == kNeedMore) return Outcome::kNeedMore;
    if (next != '(') {
      Silent(pos + 1, t);
      t->kind = TokenKind::kTag;
      if (!digits_only) t->tag = std::string(p.s().substr(n0, pos - n0));
      return Outcome::kDone;
    }
  }
  ++link_brackets_;
  Silent(n0, t);
  return Outcome::kDone;
}

SpeechScanner::Outcome SpeechScanner::ScanDots(const TextPeeker& p, ScanToken* t) {
  const std::size_t run = p.Run(0, '.');
  if (run == std::string_view::npos) return Outcome::kNeedMore;
  const char32_t next = p.At(run);
  if (next == kNeedMore) return Outcome::kNeedMore;
  if (Glued(next) || (run == 1 && IsAbbreviation())) {
    Plain(p.s(), run, t);
  } else {
    Break(p.s(), run, BreakKind::kSentence, t);
    t->latin_end = true;
  }
  return Outcome::kDone;
}

// "https://..." at a word start: the whole URL is silent.
SpeechScanner::Outcome SpeechScanner::ScanUrlStart(const TextPeeker& p, std::size_t n0,
                                                   ScanToken* t) {
  std::size_t pos = 0;
  char32_t c = 0;
  while (pos <= kMaxScheme) {
    c = p.At(pos);
    if (c == kNeedMore) return Outcome::kNeedMore;
    if (!IsSchemeChar(c)) break;
    ++pos;
  }
  if (c == ':' && pos > 0) {
    const char32_t s1 = p.At(pos + 1);
    const char32_t s2 = s1 == '/' ? p.At(pos + 2) : 0;
    if (s1 == kNeedMore || s2 == kNeedMore) return Outcome::kNeedMore;
    if (s1 == '/' && s2 == '/') {
      in_url_ = true;
      url_parens_ = 0;
      Silent(pos + 3, t);
      return Outcome::kDone;
    }
  }
  Plain(p.s(), n0, t);
  return Outcome::kDone;
}

bool SpeechScanner::Spoken() const {
  if (parens_ > 0) return false;
  return !options_.speak_only_quoted || ascii_quote_open_ || cjk_quotes_ > 0;
}

void SpeechScanner::Plain(std::string_view input, std::size_t size, ScanToken* t) const {
  t->size = size;
  if (Spoken()) {
    t->spoken.assign(input.substr(0, size));
  } else {
    t->gap = true;
  }
}

void SpeechScanner::Silent(std::size_t size, ScanToken* t) const {
  t->size = size;
  t->gap = true;
}

void SpeechScanner::Break(std::string_view input, std::size_t size, BreakKind kind,
                          ScanToken* t) const {
  Plain(input, size, t);
  t->kind = TokenKind::kBreak;
  t->brk = kind;
}

bool SpeechScanner::IsAbbreviation() const {
  if (word_.empty()) return false;
  if (word_.size() == 1 && word_[0] >= 'A' && word_[0] <= 'Z') return true;  // J. K. Rowling
  std::string lower = word_;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return std::find(std::begin(kAbbreviations), std::end(kAbbreviations), lower) !=
         std::end(kAbbreviations);
}

// Unbalanced quotes, parentheses, code spans and links end with their line.
void SpeechScanner::EndLine() {
  line_start_ = true;
  in_code_ = in_url_ = in_link_url_ = ascii_quote_open_ = false;
  link_brackets_ = parens_ = cjk_quotes_ = 0;
}

void SpeechScanner::Remember(std::string_view raw) {
  for (char c : raw) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (letter || (c == '.' && !word_.empty())) {
      // Past 8 characters it cannot be an abbreviation; "#" never matches.
      word_ = word_.size() < 8 ? word_ + c : "#";
    } else {
      word_.clear();
    }
  }
  if (!raw.empty()) after_alnum_ = utf8::IsAsciiAlnum(static_cast<unsigned char>(raw.back()));
}

}  // namespace mv
