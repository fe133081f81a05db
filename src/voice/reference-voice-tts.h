// Makes an engine that cannot clone honour TtsRequest::reference (the
// caller's clip for mirror voice, an emotion's reference audio): the clip is
// profiled and matched to the nearest base voice once, cached by the
// reference's id, and every request with that reference is spoken through a
// MirrorVoiceTts. Requests without a reference go straight to the engine.
//
// Thread-safe: the caches are guarded; synthesis runs outside the lock.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "tts/tts.h"
#include "voice/voice-matcher.h"

namespace mv {

class ReferenceVoiceTts : public Tts {
 public:
  // `default_language` picks the matcher when a request names none.
  ReferenceVoiceTts(std::unique_ptr<Tts> base, std::string default_language);

  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override;
  std::vector<std::string> Voices() const override { return base_->Voices(); }

  // Measures the base voices for `language` now instead of on first use.
  void Calibrate(const std::string& language);
  // The match a reference gets (nullopt: not enough speech, plain voice).
  std::optional<VoiceMatch> MatchFor(const VoiceReference& reference, const std::string& language);

 private:
  VoiceMatcher& MatcherFor(const std::string& language);

  std::unique_ptr<Tts> base_;
  std::string default_language_;
  std::mutex mutex_;  // guards matchers_, matches_ and lru_
  std::map<std::string, std::unique_ptr<VoiceMatcher>> matchers_;  // by language
  std::map<std::string, std::optional<VoiceMatch>> matches_;       // by language + reference id
  std::list<std::string> lru_;  // keys of matches_, oldest first (bounded cache)
};

}  // namespace mv
