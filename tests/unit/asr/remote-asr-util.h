// Shared by the remote ASR engine tests: a config pointing at doubles with
// short timeouts, spoken test sentences, and error capture.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "asr/asr.h"
#include "audio/resampler.h"
#include "common/error.h"
#include "shared-asr.h"

namespace mv::test {

inline AsrConfig RemoteConfig(const std::string& engine, const std::vector<std::string>& urls,
                              int max_concurrency = 2) {
  AsrConfig c;
  c.engine = engine;
  for (const auto& url : urls) c.remote.endpoints.push_back({url, max_concurrency});
  c.remote.connect_timeout_ms = 2000;
  c.remote.first_byte_timeout_ms = 10000;
  c.remote.idle_timeout_ms = 5000;
  c.remote.cooldown_ms = 60000;  // a failed endpoint stays out for the whole test
  c.remote.health_interval_ms = 100;
  return c;
}

// flite's rms voice at 16 kHz: pocketsphinx in the doubles gets it right.
inline AudioBuffer Spoken(const std::string& text) { return Resample(Speak(text, "rms"), 16000); }

// A port nothing listens on.
inline std::string RefusedUrl(const std::string& scheme) { return scheme + "://127.0.0.1:1"; }

inline Error ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no mv::Error thrown";
  return Error(ErrorKind::kInternal, "none", "none");
}

inline long long MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

inline constexpr const char* kKitchen = "please turn on the lights in the kitchen";

}  // namespace mv::test
