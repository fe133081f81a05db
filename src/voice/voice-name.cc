#include "voice/voice-name.h"

#include <array>
#include <cstdio>

#include "common/error.h"

namespace mv {
namespace {

constexpr std::size_t kMaxLength = 64;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsReserved(std::string_view id) {
  static constexpr std::array<std::string_view, 6> kWords = {"mirror", "default", "con",
                                                             "prn",    "aux",     "nul"};
  for (std::string_view w : kWords) {
    if (id == w) return true;
  }
  return id.size() == 4 && (id.substr(0, 3) == "com" || id.substr(0, 3) == "lpt") && id[3] >= '1' &&
         id[3] <= '9';
}

[[noreturn]] void BadName(const std::string& why) {
  throw Error(ErrorKind::kInvalidInput, "bad_voice_name", "voice name " + why);
}

}  // namespace

std::string VoiceIdFromName(std::string_view name) {
  if (name.empty()) BadName("is empty");
  if (name.size() > kMaxLength)
    BadName("is " + std::to_string(name.size()) + " characters long; at most 64 are allowed");
  std::string id;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80)
      BadName("must be plain ASCII letters, digits, spaces, '_' or '-'");
    if (IsAlnum(c) || c == '_' || c == '-') {
      id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (c == ' ') {
      id += '_';
    } else {
      char shown[8];
      std::snprintf(shown, sizeof shown, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x",
                    static_cast<unsigned char>(c));
      BadName(std::string("may not contain '") + shown +
              "'; use letters, digits, spaces, '_' or '-'");
    }
  }
  if (!IsAlnum(name.front()) || !IsAlnum(name.back()))
    BadName("must start and end with a letter or a digit");
  if (IsReserved(id)) BadName("'" + std::string(name) + "' is reserved");
  return id;
}

bool IsValidVoiceId(std::string_view id) {
  if (id.empty() || id.size() > kMaxLength) return false;
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9'))) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return !IsReserved(id);
}

void ValidateVoiceId(std::string_view id) {
  if (!IsValidVoiceId(id))
    throw Error(ErrorKind::kInvalidInput, "bad_voice_id",
                "'" + std::string(id.substr(0, 80)) +
                    "' is not a voice id (lower-case letters, digits, '_' and '-', at most 64)");
}

}  // namespace mv
