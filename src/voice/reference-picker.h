// Picks the cloning reference of a library voice: the best 3-10 s stretch of
// an upload (GPT-SoVITS and similar engines refuse references outside that
// window). Candidate cuts are the quiet frames (pauses, so no word is cut in
// half; also quiet dips inside continuous speech); among the stretches
// between two cuts that last 3-10 s, the one with the most voiced speech
// wins, silence inside it counting against it. Its edges are then trimmed to
// at most `edge_silence_seconds` of quiet (never below min_seconds).
#pragma once

#include "voice/speech-analysis.h"

namespace mv {

struct ReferencePickerOptions {
  double min_seconds = 3.0;
  double max_seconds = 10.0;
  double min_voiced_seconds = 1.5;  // less in the best stretch: not a usable voice
  double edge_silence_seconds = 0.15;
  double silence_penalty = 0.3;  // voiced-second cost of one second of quiet inside
};

struct ReferencePick {
  double start_seconds = 0.0;
  double end_seconds = 0.0;
  double voiced_seconds = 0.0;

  double duration() const { return end_seconds - start_seconds; }
};

// Throws mv::Error kInvalidInput "too_short" (under min_seconds of audio) or
// "not_enough_speech" (the best stretch has under min_voiced_seconds voiced).
ReferencePick PickReference(const SpeechAnalysis& speech,
                            const ReferencePickerOptions& options = {});

}  // namespace mv
