// Fits a voice reference into the length cloning servers accept (GPT-SoVITS
// rejects references outside 3-10 s). A clip that fits is kept whole; a
// short one is padded with silence (its words, and so its transcript, are
// unchanged); a long one is cut to the stretch with the most voiced frames
// (energy above a threshold set from the clip's own loudness), its edges
// moved to the quietest nearby frame so no word is cut in half.
#pragma once

#include <optional>

#include "audio/audio-buffer.h"
#include "tts/tts.h"

namespace mv {

struct ReferenceClip {
  AudioBuffer audio;
  bool cut = false;            // true: part of the clip only, so its transcript no longer matches
  double start_seconds = 0.0;  // where the kept part starts in the input
};

// min_seconds < max_seconds; the result lasts within [min, max] (a little
// inside, so servers that resample and round still accept it).
ReferenceClip FitReference(const AudioBuffer& in, double min_seconds = 3.0,
                           double max_seconds = 10.0);

// The reference's audio: in memory, or decoded from its wav_path. nullopt
// when it has neither or the file is not readable here (it may name a file
// on the TTS host, as the original's config did).
std::optional<AudioBuffer> LoadReferenceAudio(const VoiceReference& reference);

}  // namespace mv
