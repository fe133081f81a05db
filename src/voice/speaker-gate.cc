#include "voice/speaker-gate.h"

#include <cstdio>
#include <mutex>

#include "common/error.h"

namespace mv {

const char* SpeakerCheck::OutcomeName() const {
  switch (outcome) {
    case GateOutcome::kAccepted:
      return "accepted";
    case GateOutcome::kRejected:
      return "rejected";
    case GateOutcome::kNotEnoughSpeech:
      return "not_enough_speech";
  }
  return "rejected";
}

SpeakerGate::SpeakerGate(const SpeakerEncoder& encoder, double threshold)
    : encoder_(encoder), threshold_(threshold > 0.0 ? threshold : encoder.DefaultThreshold()) {}

void SpeakerGate::Enroll(const std::string& id, const std::string& name, const AudioBuffer& audio,
                         bool owner, const CancelToken& cancel) {
  Add({id, name, encoder_.Embed(audio, cancel).values, owner});
}

void SpeakerGate::Add(EnrolledSpeaker speaker) {
  std::unique_lock lock(mutex_);
  for (auto& s : speakers_) {
    if (s.id == speaker.id) {
      s = std::move(speaker);
      return;
    }
  }
  speakers_.push_back(std::move(speaker));
}

bool SpeakerGate::Remove(const std::string& id) {
  std::unique_lock lock(mutex_);
  for (auto it = speakers_.begin(); it != speakers_.end(); ++it) {
    if (it->id == id) {
      speakers_.erase(it);
      return true;
    }
  }
  return false;
}

std::size_t SpeakerGate::owners() const {
  std::shared_lock lock(mutex_);
  std::size_t n = 0;
  for (const auto& s : speakers_) n += s.owner ? 1 : 0;
  return n;
}

std::size_t SpeakerGate::size() const {
  std::shared_lock lock(mutex_);
  return speakers_.size();
}

SpeakerCheck SpeakerGate::Check(const AudioBuffer& audio, const CancelToken& cancel) const {
  try {
    return CheckEmbedding(encoder_.Embed(audio, cancel));
  } catch (const Error& e) {
    if (e.code() != "not_enough_speech") throw;
    SpeakerCheck check;
    check.outcome = GateOutcome::kNotEnoughSpeech;
    check.reason = e.what();
    return check;
  }
}

SpeakerCheck SpeakerGate::CheckEmbedding(const SpeakerEmbedding& embedding) const {
  SpeakerCheck check;
  check.voiced_seconds = embedding.voiced_seconds;
  bool any_owner = false;
  const EnrolledSpeaker* best = nullptr;
  {
    std::shared_lock lock(mutex_);
    for (const auto& s : speakers_) {
      const double score = encoder_.Score(embedding.values, s.embedding);
      if (s.owner) {
        check.owner_score = any_owner ? std::max(check.owner_score, score) : score;
        any_owner = true;
      }
      if (!best || score > check.speaker_score) {
        best = &s;
        check.speaker_score = score;
      }
    }
    if (best && check.speaker_score >= threshold_) {
      check.speaker_id = best->id;
      check.speaker_name = best->name;
    }
  }
  char text[200];
  if (!any_owner) {
    check.outcome = GateOutcome::kAccepted;
    std::snprintf(text, sizeof text, "no owner enrolled: gate open");
  } else if (check.owner_score >= threshold_) {
    check.outcome = GateOutcome::kAccepted;
    std::snprintf(text, sizeof text, "owner's voice (score %.3f >= %.3f)", check.owner_score,
                  threshold_);
  } else {
    check.outcome = GateOutcome::kRejected;
    std::snprintf(text, sizeof text, "not an owner's voice (score %.3f < %.3f)", check.owner_score,
                  threshold_);
  }
  check.reason = text;
  return check;
}

}  // namespace mv
