#include "common/base64.h"
#include "common/error.h"
#include "fuzz-target.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::string bytes = mv::Base64Decode(text);
    // Whatever decodes must round-trip through both alphabets.
    if (mv::Base64Decode(mv::Base64Encode(bytes)) != bytes) std::abort();
    if (mv::Base64Decode(mv::Base64UrlEncode(bytes)) != bytes) std::abort();
  } catch (const mv::Error&) {
  }
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {"UklGRiQAAABXQVZFZm10IBAAAAABAAEA", "UklGR-_-abc", "QUJD", "QUI=", "QQ==",
          "data:audio/wav;base64,UklGRg==", " Q U J D \n"};
}
