// Lookahead over the unconsumed front of a streamed text: tells "the input
// ends here" (finished) from "more may come" (wait), and counts the bytes it
// examines so tests can check that scanning stays linear.
#pragma once

#include <cstddef>
#include <string_view>

#include "pipeline/utf8.h"

namespace mv {

class TextPeeker {
 public:
  static constexpr char32_t kNeedMore = 0xFFFFFFFF;  // past the input, more may come
  static constexpr char32_t kEnd = 0xFFFFFFFE;       // past the finished input
  static constexpr std::size_t kMaxRun = 16;         // longest run Run() measures

  TextPeeker(std::string_view s, bool at_end, std::size_t* work)
      : s_(s), at_end_(at_end), work_(work) {}

  // The code point at byte `pos` and its size, or kEnd / kNeedMore. A cut-off
  // UTF-8 sequence in finished input reads as U+FFFD.
  char32_t At(std::size_t pos, std::size_t* size = nullptr) const {
    utf8::Decoded d = utf8::Decode(s_, pos);
    if (d.status == utf8::DecodeStatus::kEnd) return at_end_ ? kEnd : kNeedMore;
    if (d.status == utf8::DecodeStatus::kIncomplete) {
      if (!at_end_) return kNeedMore;
      d = {utf8::DecodeStatus::kOk, 0xFFFD, 1};
    }
    *work_ += d.size;
    if (size) *size = d.size;
    return d.cp;
  }

  // Bytes in the run of `c` starting at `pos` (at most kMaxRun characters),
  // or npos when the run may continue past the input.
  std::size_t Run(std::size_t pos, char32_t c) const {
    std::size_t end = pos;
    for (std::size_t i = 0; i < kMaxRun; ++i) {
      std::size_t n = 0;
      const char32_t x = At(end, &n);
      if (x == kNeedMore) return std::string_view::npos;
      if (x != c) break;
      end += n;
    }
    return end - pos;
  }

  std::string_view s() const { return s_; }
  bool at_end() const { return at_end_; }

 private:
  std::string_view s_;
  bool at_end_;
  std::size_t* work_;
};

}  // namespace mv
