// A Tts that speaks one answer in the caller's voice on an engine that cannot
// clone: every request is synthesised with the matched base voice and its
// audio streamed through a VoiceShifter of its own (chunks come out as they
// are shifted, ~0.1 s behind the base engine).
//
// The caller is profiled and matched once per answer (ForCaller), not per
// sentence: create one MirrorVoiceTts per /process_audio request and hand it
// to the TTS fan-out like any Tts.
//
// Ownership: the base Tts is borrowed and must outlive this object.
// Synthesize() is as thread-safe as the base engine's (no shared state here).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "tts/tts.h"
#include "voice/voice-matcher.h"

namespace mv {

class MirrorVoiceTts : public Tts {
 public:
  MirrorVoiceTts(Tts& base, VoiceMatch match);

  // Profiles `caller_audio`, matches it and wraps `base`. Throws mv::Error
  // kInvalidInput "not_enough_speech" when the audio holds too little voiced
  // speech to be a reference.
  static std::unique_ptr<MirrorVoiceTts> ForCaller(Tts& base, const VoiceMatcher& matcher,
                                                   const AudioBuffer& caller_audio);

  // request.voice is replaced by the matched base voice.
  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override;
  std::vector<std::string> Voices() const override { return {match_.voice}; }

  const VoiceMatch& match() const { return match_; }

 private:
  Tts& base_;
  VoiceMatch match_;
};

}  // namespace mv
