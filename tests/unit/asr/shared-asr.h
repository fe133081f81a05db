// One pocketsphinx model per test binary: loading takes ~0.4 s per decoder.
#pragma once

#include <string>

#include "asr/asr-pocketsphinx.h"
#include "support/tts-request.h"
#include "tts/tts-flite.h"

namespace mv::test {

// pool_size 2, default model folder.
inline AsrPocketsphinx& SharedAsr() {
  static AsrPocketsphinx asr([] {
    AsrConfig config;
    config.pool_size = 2;
    return config;
  }());
  return asr;
}

inline TtsFlite& SharedFlite() {
  static TtsFlite flite([] {
    TtsConfig config;
    config.engine = "flite";
    return config;
  }());
  return flite;
}

inline AudioBuffer Speak(const std::string& text, const std::string& voice) {
  return SharedFlite().SynthesizeAll(test::Req(text, "en", voice));
}

}  // namespace mv::test
