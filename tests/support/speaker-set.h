// The test speaker set of the voiceprint tests and bench/speaker-bench.cc.
// Targets: flite's slt, rms, awb and kal16, each built from recordings of a
// different real person. Impostors: espeak-ng voices (formant synthesis) and
// pitch-shifted copies of the targets (Rubber Band, formants kept: the same
// vocal tract at another pitch, the hardest case for a voiceprint).
// Enrolment and test utterances say different sentences.
#pragma once

#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "support/test-sentences.h"
#include "support/tts-request.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "voice/voice-shifter.h"

namespace mv::test {

struct TestVoice {
  std::string name;   // "slt", "espeak:en+m3", "slt+4st"
  bool flite = true;  // else espeak-ng
  std::string voice;  // the engine's voice name
  double semitones = 0.0;
};

// Enrolment: about 8 s, none of kAssistantSentences.
inline const std::vector<std::string>& EnrolSentences() {
  static const std::vector<std::string> s = {
      "the quick brown fox jumps over the lazy dog near the river bank",
      "my voice is my password, please let me in to the house",
      "a rainbow appears when sunlight shines through drops of rain in the sky",
  };
  return s;
}

inline std::vector<TestVoice> TargetVoices() {
  return {
      {"slt", true, "slt"}, {"rms", true, "rms"}, {"awb", true, "awb"}, {"kal16", true, "kal16"}};
}

inline std::vector<TestVoice> ImpostorVoices() {
  return {{"espeak:en+m3", false, "en+m3"},
          {"espeak:en+f2", false, "en+f2"},
          {"espeak:en-us+m7", false, "en-us+m7"},
          {"espeak:en-gb-scotland+f4", false, "en-gb-scotland+f4"},
          {"slt+4st", true, "slt", 4.0},
          {"slt-4st", true, "slt", -4.0},
          {"rms+4st", true, "rms", 4.0},
          {"awb-4st", true, "awb", -4.0},
          {"kal16+4st", true, "kal16", 4.0}};
}

inline TtsFlite& SetFlite() {
  static TtsFlite flite([] {
    TtsConfig config;
    config.engine = "flite";
    return config;
  }());
  return flite;
}

inline TtsEspeak& SetEspeak() {
  static TtsEspeak espeak([] {
    TtsConfig config;
    config.engine = "espeak";
    config.language = "en";
    return config;
  }());
  return espeak;
}

inline AudioBuffer SpeakAs(const TestVoice& v, const std::string& text) {
  Tts& tts = v.flite ? static_cast<Tts&>(SetFlite()) : static_cast<Tts&>(SetEspeak());
  AudioBuffer audio = tts.SynthesizeAll(Req(text, "en", v.voice));
  return v.semitones != 0.0 ? ShiftVoice(audio, v.semitones) : audio;
}

// The enrolment sentences, one after another (with a short pause).
inline AudioBuffer EnrolAudio(const TestVoice& v) {
  AudioBuffer all;
  for (const std::string& s : EnrolSentences()) {
    AudioBuffer part = SpeakAs(v, s);
    all.sample_rate = part.sample_rate;
    all.samples.insert(all.samples.end(), part.samples.begin(), part.samples.end());
    all.samples.insert(all.samples.end(), part.sample_rate / 4, 0.0f);
  }
  return all;
}

}  // namespace mv::test
