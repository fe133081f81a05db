// Small string helpers shared by the TTS engines (language tags, voice lists
// in error messages).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace mv::tts_internal {

inline std::string LowerAscii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "en", "en-US", "en_gb" -> true.
inline bool IsEnglish(const std::string& language) {
  const std::string lower = LowerAscii(language);
  return lower == "en" || lower.rfind("en-", 0) == 0 || lower.rfind("en_", 0) == 0;
}

inline std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace mv::tts_internal
