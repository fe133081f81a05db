// The voiced part of an utterance, found once and shared by the speaker
// encoders: 16 kHz audio plus its YIN pitch track (voiced = periodic and loud
// enough, see PitchEstimator). Voiceprints are scored on voiced speech only:
// silence, breath and noise between words say nothing about the speaker.
#pragma once

#include "audio/audio-buffer.h"
#include "voice/pitch-estimator.h"

namespace mv {

struct SpeechAnalysis {
  AudioBuffer audio;  // at PitchEstimator::kAnalysisRate
  PitchTrack track;

  double voiced_seconds() const { return track.voiced_seconds; }
  // The speech stretches: voiced frames widened by `pad_seconds` on each side
  // (to keep the consonants around them), joined; silence and noise between
  // them are left out.
  AudioBuffer SpeechOnly(double pad_seconds = 0.15) const;
};

// Any rate in. Thread-safe.
SpeechAnalysis AnalyzeSpeech(const AudioBuffer& audio, const PitchOptions& options = {});

}  // namespace mv
