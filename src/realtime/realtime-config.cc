#include "realtime/realtime-config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

}  // namespace

void RealtimeConfig::Validate() const {
  if (vad_engine != "webrtc")
    Invalid("realtime.vad_engine: unknown engine \"" + vad_engine + "\" (allowed: webrtc)");
  if (!std::isfinite(vad_threshold) || vad_threshold < 0.0 || vad_threshold > 1.0)
    Invalid("realtime.vad_threshold: must be between 0 and 1");
  if (prefix_padding_ms < 0 || prefix_padding_ms > 5000)
    Invalid("realtime.prefix_padding_ms: must be between 0 and 5000, got " +
            std::to_string(prefix_padding_ms));
  if (silence_duration_ms < 100 || silence_duration_ms > 10000)
    Invalid("realtime.silence_duration_ms: must be between 100 and 10000, got " +
            std::to_string(silence_duration_ms));
  if (max_sessions < 1 || max_sessions > 100000)
    Invalid("realtime.max_sessions: must be between 1 and 100000, got " +
            std::to_string(max_sessions));
  if (!std::isfinite(max_turn_seconds) || max_turn_seconds < 1.0 || max_turn_seconds > 600.0)
    Invalid("realtime.max_turn_seconds: must be between 1 and 600");
}

std::string RealtimeConfig::ToString() const {
  std::ostringstream os;
  os << "RealtimeConfig(vad_engine=\"" << vad_engine << "\", vad_threshold=" << vad_threshold
     << ", prefix_padding_ms=" << prefix_padding_ms
     << ", silence_duration_ms=" << silence_duration_ms << ", voice=\"" << voice
     << "\", max_sessions=" << max_sessions << ", max_turn_seconds=" << max_turn_seconds << ")";
  return os.str();
}

}  // namespace mv
