// GPT-SoVITS v3/v4 models refuse a reference without its transcript
// (prompt_text). Every configured reference that mirrorvox can read here
// (tts.gpt_sovits.ref_audio_path, tts.extra_ref_audio) and has none is
// transcribed once at start-up with the configured ASR. Library voices
// carry theirs already; the caller's own voice is what ASR heard.
#pragma once

#include "asr/asr.h"
#include "config/config.h"

namespace mv {

// Fills empty transcripts in `config.tts` for references that are local
// files; returns how many it filled. Failures are warnings: the clip may be
// a path on the TTS host only.
int FillReferenceTranscripts(TtsConfig& config, const AudioConfig& audio, Asr& asr);

}  // namespace mv
