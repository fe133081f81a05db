// Incremental Server-Sent Events parser: bytes may be split anywhere, lines
// end in "\n", "\r\n" or "\r". Besides standard "data:" events it reports
// the two error quirks of OpenAI-compatible servers (PROTOCOLS.md B5) as
// events of their own, dispatched at the end of their line:
// older llama.cpp's "error: {...}" and Ollama's bare "{...}" line.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mv {

struct SseEvent {
  enum class Kind {
    kData,      // "data:" lines, dispatched by a blank line
    kError,     // an "error:" line
    kBareJson,  // a line starting with '{' (no field name)
  };
  Kind kind = Kind::kData;
  std::string event;  // the "event:" field, "" when absent (kData only)
  std::string data;   // data lines joined by '\n'; the line's value otherwise
};

class SseParser {
 public:
  using Sink = std::function<void(const SseEvent&)>;
  static constexpr std::size_t kDefaultMaxEventBytes = 8u << 20;

  explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes)
      : max_event_bytes_(max_event_bytes) {}

  // Returns false once an event grew over the limit; the parser then ignores
  // everything that follows.
  bool Feed(std::string_view bytes, const Sink& sink);
  // End of the stream: a last line without its newline still counts, and an
  // event missing its final blank line is still dispatched (lenient: some
  // servers close right after "data: [DONE]\n").
  void Finish(const Sink& sink);
  bool overflowed() const { return overflowed_; }

 private:
  void Line(std::string_view line, const Sink& sink);
  void Dispatch(const Sink& sink);

  std::size_t max_event_bytes_;
  std::string line_;       // the unfinished line carried across Feed calls
  bool after_cr_ = false;  // the last byte was '\r': a leading '\n' is its pair
  bool has_data_ = false;  // a "data:" line arrived since the last dispatch
  SseEvent pending_;       // the kData event being assembled
  bool overflowed_ = false;
};

}  // namespace mv
