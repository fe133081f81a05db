#include "pipeline/spoken-text.h"

#include <utility>

#include "pipeline/utf8.h"

namespace mv {
namespace {

// Left over at the start of a segment after a cut: TTS engines would click or
// pause on them.
constexpr std::u32string_view kLeadingStrip = U",，、;；:：.。!！?？)）]」』”’…~～";
// No word gap before these ("Hello👋," must not read "Hello ,").
constexpr std::u32string_view kNoSpaceBefore = U".,!?;:)]}”’'…%";
// A collapsed space before these goes: "job 👍!" reads "job!".
constexpr std::u32string_view kDropSpaceBefore = U".,!?;:…";
constexpr std::u32string_view kNoSpaceAfter = U"([{“‘'-/";
// Inside a word these do not start a new one: "don't", "3.14", "e-mail".
constexpr std::u32string_view kWordJoiners = U"'’.-,:/@_";

}  // namespace

void SpokenText::Append(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const utf8::Decoded d = utf8::Decode(text, pos);
    if (d.status != utf8::DecodeStatus::kOk) break;  // callers pass whole characters
    AppendChar(d.cp);
    pos += d.size;
  }
}

void SpokenText::AppendChar(char32_t cp) {
  if (cp == '\n' || utf8::IsSpace(cp)) {
    if (!text_.empty()) space_pending_ = true;
    in_word_ = false;
    return;
  }
  if (text_.empty() && utf8::IsOneOf(cp, kLeadingStrip)) return;
  if (space_pending_) {
    if (!utf8::IsOneOf(cp, kDropSpaceBefore)) text_ += ' ';
  } else if (gap_pending_ && !utf8::IsCjk(last_) && !utf8::IsCjkPunct(last_) && !utf8::IsCjk(cp) &&
             !utf8::IsCjkPunct(cp) && !utf8::IsOneOf(cp, kNoSpaceBefore) &&
             !utf8::IsOneOf(last_, kNoSpaceAfter)) {
    text_ += ' ';
    in_word_ = false;
  }
  space_pending_ = gap_pending_ = false;
  utf8::Append(text_, cp);
  last_ = cp;

  if (utf8::IsCjk(cp)) {
    ++units_;
    in_word_ = false;
  } else if (utf8::IsSpeakable(cp)) {
    if (!in_word_) ++units_;
    in_word_ = true;
  } else if (!utf8::IsOneOf(cp, kWordJoiners)) {
    in_word_ = false;
  }
}

void SpokenText::Gap() {
  if (!text_.empty()) gap_pending_ = true;
  in_word_ = false;
}

void SpokenText::EndLine() {
  if (last_ != 0 && utf8::IsSpeakable(last_)) {
    space_pending_ = gap_pending_ = false;
    AppendChar(utf8::IsCjk(last_) ? U'。' : U'.');
  }
  if (!text_.empty()) space_pending_ = true;
  in_word_ = false;
}

std::string SpokenText::Take() {
  std::string out = std::move(text_);
  *this = SpokenText();
  return out;
}

}  // namespace mv
