// Streaming segmenter: cuts the LLM's token stream into segments that TTS
// synthesises one by one, and cleans what TTS hears.
//
// Usage: Push() each token as it arrives, then Finish() once; both return the
// segments completed so far, in order. Fragments may split a word, number,
// tag, quote or even a UTF-8 character anywhere: the result never depends on
// how the reply was fragmented. Reset() starts a new reply. Not thread-safe:
// one Segmenter per turn.
//
// Cutting (lengths in units, see SegmenterOptions):
// - The first spoken segment ends at the first clause punctuation (，,、；;：:)
//   or sentence end once it holds first_min_chars units; later ones end at a
//   sentence end (。.!?！？~～…, "...", a line break) once they hold
//   min_chars units, else the sentence merges with the next. A cut is decided
//   only when the character after the punctuation is known: trailing closers
//   (" ” ) ** `), more punctuation ("?!"), white space and emoji stay with the
//   segment they follow.
// - Not a break: "3.14", "1,000", "10:30", "a.com/x?y=1" (punctuation glued
//   to an ASCII letter or digit), "Mr." "Dr." "e.g." "i.e." "vs." and single
//   capital initials ("J. K."); after ASCII .!? or an ellipsis a lowercase
//   word continues the sentence ("etc. and", "U.S. economy", "Hi!" she said).
// - Emotion tags: "[word]" (letters/digits/CJK/_/-, up to 24 characters, not
//   followed by "(" and not glued to a preceding ASCII letter or digit like
//   "a[i]") is silent and sets the emotion of the following segments until
//   the next tag; "[1]" is a silent citation that changes nothing. A tag that
//   changes the emotion of a segment that already has speech cuts right
//   before itself, so each segment has one voice.
// - A code block is a segment of its own.
// - max_chars: cut at the next clause punctuation or white space; at 5/4 of
//   it, anywhere. Raw text (code, narration, words without spaces) is also
//   cut at white space past 12 * max_chars bytes and anywhere past 24 *.
//
// Speech (Segment::text) leaves out: markdown markup (emphasis, `code` ticks,
// headings, bullets, "1. " numbers, "> ", rules, table pipes, link URLs; link
// text is spoken), fenced code blocks, emoji, [tags], (stage directions) and
// scheme://URLs (options), and in speak_only_quoted mode everything outside
// "...", “...”, 「...」. A line that ends without punctuation gets one, so
// list items and headings are not read as one run-on sentence.
//
// Display: every input byte lands in exactly one Segment::display_text, so
// joining them gives the reply back. A segment with nothing speakable
// (punctuation, emoji, a code block, narration in quoted mode) comes back with
// empty `text`: show it, do not synthesise it. Silent segments are cut at
// every sentence end, so narration is shown without waiting for speech.
//
// Unbalanced quotes, parentheses, inline code and links end with their line
// and at Finish(): text already spoken or dropped stays so (a stream cannot
// take it back), and the next line starts outside them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/segmenter-options.h"
#include "pipeline/speech-scanner.h"
#include "pipeline/spoken-text.h"

namespace mv {

struct Segment {
  std::string text;          // what TTS speaks; empty: display only
  std::string display_text;  // the raw reply span, markup and all
  std::string emotion;       // last [tag] before the first spoken character; "" none
  int index = 0;             // 0, 1, 2... over all segments, spoken or not

  bool speak() const { return !text.empty(); }
};

class Segmenter {
 public:
  // Throws mv::Error when the options are invalid.
  explicit Segmenter(const SegmenterOptions& options = {});

  std::vector<Segment> Push(std::string_view fragment);
  // Flushes everything; call once per reply. Push() after Finish() needs Reset().
  std::vector<Segment> Finish();
  void Reset();

  // The emotion in effect now (last tag seen).
  const std::string& emotion() const { return emotion_; }
  // Bytes the scanner examined, re-reads included: linear in the input.
  std::size_t scan_work() const { return scanner_.work(); }

 private:
  enum class Strength { kSpace, kClause, kSentence };
  // A possible cut after the last token, decided by the next real token.
  struct Pending {
    bool active = false;
    Strength strength = Strength::kSentence;
    bool latin_end = false;
    bool saw_space = false;
    bool newline = false;
  };

  void Drain(bool at_end, std::vector<Segment>* out);
  void Accept(const ScanToken& token, std::string_view raw, std::vector<Segment>* out);
  bool Absorbs(const ScanToken& token) const;
  void Absorb(const ScanToken& token);
  void Resolve(std::string_view next_raw, std::vector<Segment>* out);
  void Append(const ScanToken& token, std::string_view raw);
  void Emit(std::vector<Segment>* out);

  SegmenterOptions options_;
  SpeechScanner scanner_;
  std::string input_;  // received but not scanned yet: an undecided tail
  bool finished_ = false;

  // The segment being built.
  std::string raw_;
  SpokenText spoken_;
  bool has_speech_ = false;
  std::string segment_emotion_;  // emotion_ at its first spoken character
  Pending pending_;

  std::string emotion_;
  bool spoken_emitted_ = false;  // the first spoken segment is out
  int next_index_ = 0;
};

}  // namespace mv
