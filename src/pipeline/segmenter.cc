#include "pipeline/segmenter.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "pipeline/utf8.h"

namespace mv {
namespace {

// Raw bytes per max_chars unit before a cut at white space (soft) or
// anywhere (hard): bounds code blocks and text without spaces.
constexpr std::size_t kRawSoftBytesPerUnit = 12;
constexpr std::size_t kRawHardBytesPerUnit = 24;

}  // namespace

Segmenter::Segmenter(const SegmenterOptions& options) : options_(options), scanner_(options) {
  options_.Validate();
}

std::vector<Segment> Segmenter::Push(std::string_view fragment) {
  if (finished_) throw std::logic_error("Segmenter::Push after Finish without Reset");
  std::vector<Segment> out;
  input_.append(fragment);
  Drain(false, &out);
  return out;
}

std::vector<Segment> Segmenter::Finish() {
  std::vector<Segment> out;
  if (finished_) return out;
  finished_ = true;
  Drain(true, &out);
  pending_ = {};
  Emit(&out);
  return out;
}

void Segmenter::Reset() { *this = Segmenter(options_); }

void Segmenter::Drain(bool at_end, std::vector<Segment>* out) {
  const std::string_view input(input_);
  std::size_t pos = 0;
  ScanToken token;
  while (pos < input.size() && scanner_.Next(input.substr(pos), at_end, &token)) {
    Accept(token, input.substr(pos, token.size), out);
    pos += token.size;
  }
  // A word is waiting for lookahead (is "http" a URL?), but a letter can
  // never trail a sentence end: decide a pending cut now, not a token later.
  if (pending_.active && pos < input.size()) {
    const utf8::Decoded d = utf8::Decode(input, pos);
    if (d.status == utf8::DecodeStatus::kOk && (utf8::IsAsciiAlnum(d.cp) || utf8::IsCjk(d.cp))) {
      Resolve(input.substr(pos), out);
    }
  }
  input_.erase(0, pos);  // keeps only the undecided tail, a few bytes
}

void Segmenter::Accept(const ScanToken& token, std::string_view raw, std::vector<Segment>* out) {
  if (pending_.active) {
    if (Absorbs(token)) {
      Absorb(token);
      Append(token, raw);
      return;
    }
    Resolve(raw, out);
  }
  const auto max_units = static_cast<std::size_t>(options_.max_chars);
  switch (token.kind) {
    case TokenKind::kFenceOpen:
      Emit(out);
      break;
    case TokenKind::kTag:
      if (!token.tag.empty() && has_speech_ && token.tag != segment_emotion_) Emit(out);
      break;
    case TokenKind::kText:
      if (static_cast<std::size_t>(spoken_.units()) >= max_units + max_units / 4 ||
          raw_.size() >= kRawHardBytesPerUnit * max_units) {
        Emit(out);
      }
      break;
    default:
      break;
  }
  Append(token, raw);
  switch (token.kind) {
    case TokenKind::kBreak:
      pending_ = {true, token.brk == BreakKind::kClause ? Strength::kClause : Strength::kSentence,
                  token.latin_end, false, false};
      break;
    case TokenKind::kNewline:
      spoken_.EndLine();
      pending_ = {true, Strength::kSentence, false, true, true};
      break;
    case TokenKind::kSpace:
      if (spoken_.units() >= options_.max_chars ||
          raw_.size() >= kRawSoftBytesPerUnit * max_units) {
        pending_ = {true, Strength::kSpace, false, true, false};
      }
      break;
    case TokenKind::kTag:
      if (!token.tag.empty()) emotion_ = token.tag;
      break;
    default:
      break;
  }
}

// What may follow a sentence end and still belong to its segment.
bool Segmenter::Absorbs(const ScanToken& token) const {
  switch (token.kind) {
    case TokenKind::kSpace:
    case TokenKind::kNewline:
      return true;
    case TokenKind::kBreak:
      return !pending_.saw_space;
    case TokenKind::kText:
      return token.emoji || (token.closer && !pending_.saw_space);
    default:
      return false;
  }
}

void Segmenter::Absorb(const ScanToken& token) {
  if (token.kind == TokenKind::kSpace) pending_.saw_space = true;
  if (token.kind == TokenKind::kNewline) {
    spoken_.EndLine();
    pending_.saw_space = pending_.newline = true;
    pending_.strength = Strength::kSentence;
  }
  if (token.kind == TokenKind::kBreak) {
    const Strength s = token.brk == BreakKind::kClause ? Strength::kClause : Strength::kSentence;
    pending_.strength = std::max(pending_.strength, s);
    pending_.latin_end = pending_.latin_end && token.latin_end;
  }
}

void Segmenter::Resolve(std::string_view next_raw, std::vector<Segment>* out) {
  const int units = spoken_.units();
  const bool first = !spoken_emitted_ && options_.early_first_segment;
  bool cut = false;
  switch (pending_.strength) {
    case Strength::kSentence: {
      const bool continues = pending_.latin_end && !pending_.newline && !next_raw.empty() &&
                             next_raw[0] >= 'a' && next_raw[0] <= 'z';
      cut = !continues &&
            (units == 0 || units >= (first ? options_.first_min_chars : options_.min_chars));
      break;
    }
    case Strength::kClause:
      cut = (first && units >= options_.first_min_chars) || units >= options_.max_chars;
      break;
    case Strength::kSpace:
      cut = units >= options_.max_chars ||
            raw_.size() >= kRawSoftBytesPerUnit * static_cast<std::size_t>(options_.max_chars);
      break;
  }
  pending_ = {};
  if (cut) Emit(out);
}

void Segmenter::Append(const ScanToken& token, std::string_view raw) {
  raw_.append(raw);
  if (token.gap) spoken_.Gap();
  if (token.spoken.empty()) return;
  spoken_.Append(token.spoken);
  if (!has_speech_ && spoken_.units() > 0) {
    has_speech_ = true;
    segment_emotion_ = emotion_;
  }
}

void Segmenter::Emit(std::vector<Segment>* out) {
  if (raw_.empty()) return;
  Segment segment;
  segment.display_text = std::move(raw_);
  raw_.clear();
  std::string text = spoken_.Take();
  if (has_speech_) {
    segment.text = std::move(text);
    spoken_emitted_ = true;
  }
  segment.emotion = has_speech_ ? segment_emotion_ : emotion_;
  segment.index = next_index_++;
  has_speech_ = false;
  segment_emotion_.clear();
  out->push_back(std::move(segment));
}

}  // namespace mv
