// The voiceprint gate and speaker identification. Enrolled speakers are
// embeddings with an id and a name; owners (voiceprint.owners) are the ones
// the gate lets through, the others (library voices) only get recognised.
// Check() embeds an utterance once and answers both questions:
//   gate:     accepted when the best owner scores >= threshold; no owners =
//             open; too little voiced speech = kNotEnoughSpeech (no guess)
//   identify: the best-scoring enrolled speaker at or above the threshold,
//             else unknown ("")
// Thread-safe: enrolment may change while checks run (shared_mutex).
#pragma once

#include <shared_mutex>
#include <string>
#include <vector>

#include "common/cancel-token.h"
#include "voice/speaker-encoder.h"

namespace mv {

struct EnrolledSpeaker {
  std::string id;    // "owner:<file stem>", "voice:<library id>"
  std::string name;  // what the LLM and headers see
  std::vector<float> embedding;
  bool owner = false;
};

enum class GateOutcome { kAccepted, kRejected, kNotEnoughSpeech };

struct SpeakerCheck {
  GateOutcome outcome = GateOutcome::kAccepted;
  double owner_score = 0.0;  // best over owners (0 when none)
  std::string speaker_id;    // identified speaker; "" = unknown
  std::string speaker_name;
  double speaker_score = 0.0;  // best over everyone enrolled
  double voiced_seconds = 0.0;
  std::string reason;  // one line for logs and error messages

  bool accepted() const { return outcome == GateOutcome::kAccepted; }
  // "accepted", "rejected", "not_enough_speech".
  const char* OutcomeName() const;
  // The name, or "unknown".
  std::string SpeakerOrUnknown() const { return speaker_name.empty() ? "unknown" : speaker_name; }
};

class SpeakerGate {
 public:
  // `threshold` 0 = the encoder's default. The encoder is borrowed.
  SpeakerGate(const SpeakerEncoder& encoder, double threshold);

  // Embeds and adds (replacing the same id). Throws what Embed() throws.
  void Enroll(const std::string& id, const std::string& name, const AudioBuffer& audio, bool owner,
              const CancelToken& cancel = {});
  void Add(EnrolledSpeaker speaker);
  bool Remove(const std::string& id);
  std::size_t owners() const;
  std::size_t size() const;

  // Throws only the encoder's failures (remote: kUnavailable, kTimeout...).
  SpeakerCheck Check(const AudioBuffer& audio, const CancelToken& cancel = {}) const;
  SpeakerCheck CheckEmbedding(const SpeakerEmbedding& embedding) const;

  double threshold() const { return threshold_; }
  const SpeakerEncoder& encoder() const { return encoder_; }

 private:
  const SpeakerEncoder& encoder_;
  double threshold_;
  mutable std::shared_mutex mutex_;  // guards speakers_
  std::vector<EnrolledSpeaker> speakers_;
};

}  // namespace mv
