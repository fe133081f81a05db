// After a failover mid-answer, the next endpoint is asked to continue the
// text already spoken (sent as a trailing assistant message). Servers that
// honour such a prefill (llama.cpp, Ollama, ...) continue it; others
// (OpenAI) start the answer over. This filter makes both safe: output that
// merely repeats the delivered text is held back and dropped, and the first
// byte that differs (or goes past it) lets the rest through.
#pragma once

#include <string>
#include <string_view>

namespace mv {

class ResumeFilter {
 public:
  explicit ResumeFilter(std::string delivered = {}) : delivered_(std::move(delivered)) {
    passthrough_ = delivered_.empty();
  }

  // The part of `piece` that is new to the listener (maybe empty).
  std::string Push(std::string_view piece);
  // The retry's stream ended: anything still held back was a repeat.
  void Finish() { held_.clear(); }
  // True once the restart question is settled.
  bool passthrough() const { return passthrough_; }

 private:
  std::string delivered_;
  std::string held_;  // output so far, while it is still a prefix of delivered_
  bool passthrough_ = false;
};

}  // namespace mv
