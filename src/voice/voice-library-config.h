#pragma once

#include <cstddef>
#include <string>

namespace mv {

// The voice library on disk (voice-library.h): `library.*` in the config.
struct VoiceLibraryConfig {
  // "" = $XDG_DATA_HOME/mirrorvox/voices (~/.local/share/mirrorvox/voices).
  std::string dir;
  int max_voices = 100;
  std::size_t max_upload_bytes = 20u << 20;  // one enrolment upload, encoded
  double max_upload_seconds = 120.0;         // ... and decoded

  void Validate() const;  // throws mv::Error kInvalidInput "bad_config" naming the key
  std::string ToString() const;
  // `dir`, or the XDG default when empty (created on the first enrolment).
  std::string ResolvedDir() const;
};

}  // namespace mv
