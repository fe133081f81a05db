// Helpers shared by the TTS tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "audio/audio-buffer.h"
#include "common/error.h"
#include "support/tts-request.h"

namespace mv::test {

inline double Rms(const AudioBuffer& audio) {
  double sum = 0;
  for (float s : audio.samples) sum += static_cast<double>(s) * s;
  return audio.samples.empty() ? 0.0 : std::sqrt(sum / audio.samples.size());
}

inline float Peak(const AudioBuffer& audio) {
  float peak = 0;
  for (float s : audio.samples) peak = std::max(peak, std::abs(s));
  return peak;
}

// Within 3%: espeak-ng's output length drifts slightly from call to call.
inline bool SameLength(const AudioBuffer& a, const AudioBuffer& b) {
  const double la = a.samples.size(), lb = b.samples.size();
  return a.sample_rate == b.sample_rate && std::abs(la - lb) <= 0.03 * std::max(la, lb);
}

// Runs `fn`, expecting an mv::Error; returns it (kind kInternal, message
// "no error" when nothing was thrown).
inline Error CaughtError(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no mv::Error thrown";
  return Error(ErrorKind::kInternal, "none", "no error");
}

}  // namespace mv::test
