#include "voice/voice-library-config.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

}  // namespace

void VoiceLibraryConfig::Validate() const {
  if (max_voices < 1 || max_voices > 100000)
    Invalid("library.max_voices: must be between 1 and 100000, got " + std::to_string(max_voices));
  if (max_upload_bytes < 1024 || max_upload_bytes > (1u << 30))
    Invalid("library.max_upload_bytes: must be between 1KiB and 1GiB, got " +
            std::to_string(max_upload_bytes));
  if (!std::isfinite(max_upload_seconds) || max_upload_seconds < 3.0 || max_upload_seconds > 3600) {
    std::ostringstream got;
    got << max_upload_seconds;
    Invalid("library.max_upload_seconds: must be between 3 and 3600, got " + got.str());
  }
}

std::string VoiceLibraryConfig::ToString() const {
  std::ostringstream os;
  os << "VoiceLibraryConfig(dir=\"" << dir << "\", max_voices=" << max_voices
     << ", max_upload_bytes=" << max_upload_bytes << ", max_upload_seconds=" << max_upload_seconds
     << ")";
  return os.str();
}

std::string VoiceLibraryConfig::ResolvedDir() const {
  if (!dir.empty()) return dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/mirrorvox/voices";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/mirrorvox/voices";
  return "voices";
}

}  // namespace mv
