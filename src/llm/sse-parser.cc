#include "llm/sse-parser.h"

namespace mv {

bool SseParser::Feed(std::string_view bytes, const Sink& sink) {
  if (overflowed_) return false;
  if (bytes.empty()) return true;
  std::size_t i = 0;
  if (after_cr_ && !bytes.empty() && bytes[0] == '\n') i = 1;
  after_cr_ = false;
  while (i < bytes.size()) {
    std::size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(i));
      if (line_.size() + pending_.data.size() > max_event_bytes_) overflowed_ = true;
      return !overflowed_;
    }
    std::string_view piece = bytes.substr(i, end - i);
    if (line_.empty()) {
      Line(piece, sink);
    } else {
      line_.append(piece);
      std::string line = std::move(line_);
      line_.clear();
      Line(line, sink);
    }
    if (bytes[end] == '\r') {
      if (end + 1 == bytes.size())
        after_cr_ = true;
      else if (bytes[end + 1] == '\n')
        ++end;
    }
    i = end + 1;
    if (pending_.data.size() > max_event_bytes_) {
      overflowed_ = true;
      return false;
    }
  }
  return true;
}

void SseParser::Finish(const Sink& sink) {
  if (overflowed_) return;
  if (!line_.empty()) {
    std::string line = std::move(line_);
    line_.clear();
    Line(line, sink);
  }
  Dispatch(sink);
}

void SseParser::Dispatch(const Sink& sink) {
  if (has_data_) sink(pending_);
  has_data_ = false;
  pending_ = SseEvent();
}

void SseParser::Line(std::string_view line, const Sink& sink) {
  if (line.empty()) {
    Dispatch(sink);
    return;
  }
  if (line[0] == ':') return;  // comment / keep-alive
  if (line[0] == '{') {
    sink(SseEvent{SseEvent::Kind::kBareJson, "", std::string(line)});
    return;
  }
  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) pending_.data += '\n';
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    pending_.event = std::string(value);
  } else if (field == "error") {
    sink(SseEvent{SseEvent::Kind::kError, "", std::string(value)});
  }
  // "id", "retry" and unknown fields: nothing we need.
}

}  // namespace mv
