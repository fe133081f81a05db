// Voice names and ids (they become folder names and URL segments): whatever
// VoiceIdFromName accepts yields a valid id that cannot leave the library;
// ValidateVoiceId and IsValidVoiceId always agree.
#include <cstdlib>

#include "common/error.h"
#include "fuzz-target.h"
#include "voice/voice-name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const std::string id = mv::VoiceIdFromName(text);
    if (!mv::IsValidVoiceId(id)) std::abort();
    if (id.find('/') != std::string::npos || id.find("..") != std::string::npos || id[0] == '.')
      std::abort();
  } catch (const mv::Error& e) {
    if (e.kind() != mv::ErrorKind::kInvalidInput) std::abort();
  }
  bool threw = false;
  try {
    mv::ValidateVoiceId(text);
  } catch (const mv::Error&) {
    threw = true;
  }
  if (threw == mv::IsValidVoiceId(text)) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {"Alice",       "Grandpa Joe", "voice_2", "mirror", "default",     "con",
          "COM1",        "../etc",      ".hidden", "a/b",    "x",           std::string(65, 'a'),
          "Ren\xc3\xa9", " lead",       "trail ",  "alice",  "grandpa_joe", "lpt9"};
}
