#include "audio/audio-config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mv {

void AudioConfig::Validate() const {
  if (max_bytes == 0) {
    throw Error(ErrorKind::kInvalidInput, "bad_config", "audio.max_bytes: must be > 0");
  }
  // !(x > 0) also rejects NaN.
  if (!(max_seconds > 0.0) || !std::isfinite(max_seconds)) {
    throw Error(ErrorKind::kInvalidInput, "bad_config",
                "audio.max_seconds: must be a finite number > 0");
  }
  if (min_sample_rate < 1000 || max_sample_rate > 768000 || min_sample_rate > max_sample_rate) {
    throw Error(ErrorKind::kInvalidInput, "bad_config",
                "audio.min_sample_rate / audio.max_sample_rate: need 1000 <= min <= max <= 768000");
  }
}

std::string AudioConfig::ToString() const {
  std::ostringstream os;
  os << "AudioConfig(max_bytes=" << max_bytes << ", max_seconds=" << max_seconds
     << ", min_sample_rate=" << min_sample_rate << ", max_sample_rate=" << max_sample_rate << ")";
  return os.str();
}

}  // namespace mv
