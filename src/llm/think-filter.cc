#include "llm/think-filter.h"

#include <algorithm>

namespace mv {
namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

// Length of the longest end of `text` that is a proper prefix of `tag`.
std::size_t PartialTag(std::string_view text, std::string_view tag) {
  for (std::size_t k = std::min(text.size(), tag.size() - 1); k > 0; --k) {
    if (text.substr(text.size() - k) == tag.substr(0, k)) return k;
  }
  return 0;
}

}  // namespace

void ThinkFilter::Emit(std::string& out, std::string_view text) {
  if (trim_) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return;
    text.remove_prefix(first);
    trim_ = false;
  }
  out.append(text);
}

std::string ThinkFilter::Push(std::string_view piece) {
  held_.append(piece);
  std::string out;
  std::string_view rest = held_;
  for (;;) {
    const std::string_view tag = inside_ ? kClose : kOpen;
    const std::size_t at = rest.find(tag);
    if (at == std::string_view::npos) {
      const std::size_t keep = PartialTag(rest, tag);
      if (!inside_) Emit(out, rest.substr(0, rest.size() - keep));
      rest.remove_prefix(rest.size() - keep);
      break;
    }
    if (!inside_) Emit(out, rest.substr(0, at));
    rest.remove_prefix(at + tag.size());
    inside_ = !inside_;
    trim_ = !inside_;
  }
  held_ = std::string(rest);
  return out;
}

std::string ThinkFilter::Finish() {
  std::string out;
  if (!inside_) Emit(out, held_);
  held_.clear();
  return out;
}

}  // namespace mv
