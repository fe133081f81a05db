#include "pipeline/segmenter-options.h"

#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

void Require(bool ok, const char* key, const std::string& why) {
  if (!ok) throw Error(ErrorKind::kInvalidInput, "bad_config", std::string(key) + ": " + why);
}

}  // namespace

void SegmenterOptions::Validate() const {
  Require(first_min_chars >= 1, "first_min_chars", "must be at least 1");
  Require(min_chars >= 1, "min_chars", "must be at least 1");
  Require(max_chars >= min_chars && max_chars >= first_min_chars, "max_chars",
          "must be at least min_chars and first_min_chars");
}

std::string SegmenterOptions::ToString() const {
  std::ostringstream os;
  os << "SegmenterOptions(speak_only_quoted=" << (speak_only_quoted ? "true" : "false")
     << ", drop_parentheses=" << (drop_parentheses ? "true" : "false")
     << ", drop_urls=" << (drop_urls ? "true" : "false")
     << ", early_first_segment=" << (early_first_segment ? "true" : "false")
     << ", first_min_chars=" << first_min_chars
     << ", min_chars=" << min_chars << ", max_chars=" << max_chars << ")";
  return os.str();
}

}  // namespace mv
