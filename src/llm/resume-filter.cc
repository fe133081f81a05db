#include "llm/resume-filter.h"

namespace mv {

std::string ResumeFilter::Push(std::string_view piece) {
  if (passthrough_) return std::string(piece);
  held_.append(piece);
  if (held_.size() <= delivered_.size() && delivered_.compare(0, held_.size(), held_) == 0) {
    if (held_.size() == delivered_.size()) {  // restarted and caught up exactly
      passthrough_ = true;
      held_.clear();
    }
    return {};
  }
  passthrough_ = true;
  std::string out;
  if (held_.compare(0, delivered_.size(), delivered_) == 0) {
    out = held_.substr(delivered_.size());  // a restart that went on past the delivered text
  } else {
    out = std::move(held_);  // a real continuation
  }
  held_.clear();
  return out;
}

}  // namespace mv
