#include "realtime/turn-detector.h"

#include <algorithm>
#include <cmath>

namespace mv {
namespace {

int16_t ToInt16(float v) {
  return static_cast<int16_t>(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
}

AudioBuffer ToBuffer(const std::vector<int16_t>& pcm) {
  AudioBuffer out;
  out.sample_rate = TurnDetector::kRate;
  out.samples.reserve(pcm.size());
  for (int16_t s : pcm) out.samples.push_back(s / 32768.0f);
  return out;
}

}  // namespace

TurnDetector::TurnDetector(std::unique_ptr<VadStream> vad, TurnDetectorOptions options)
    : vad_(std::move(vad)) {
  SetOptions(options);
}

void TurnDetector::SetOptions(const TurnDetectorOptions& options) {
  options_ = options;
  options_.start_window_frames = std::max(1, options_.start_window_frames);
  options_.start_voiced_frames =
      std::clamp(options_.start_voiced_frames, 1, options_.start_window_frames);
  vad_->SetThreshold(options_.threshold);
  while (window_.size() > static_cast<std::size_t>(options_.start_window_frames)) {
    voiced_in_window_ -= window_.front();
    window_.pop_front();
  }
  while (pre_speech_.size() > PreSpeechCapacity()) pre_speech_.pop_front();
}

std::size_t TurnDetector::PreSpeechCapacity() const {
  return static_cast<std::size_t>(options_.prefix_padding_ms) * kRate / 1000 +
         static_cast<std::size_t>(options_.start_window_frames) * kFrame;
}

void TurnDetector::Push(const float* samples, std::size_t n, std::vector<TurnEvent>* events) {
  while (n > 0) {
    const std::size_t take = std::min(n, kFrame - partial_.size());
    partial_.insert(partial_.end(), samples, samples + take);
    samples += take;
    n -= take;
    if (partial_.size() == static_cast<std::size_t>(kFrame)) {
      Frame(partial_.data(), events);
      partial_.clear();
    }
  }
}

void TurnDetector::Frame(const float* frame, std::vector<TurnEvent>* events) {
  const bool voiced = vad_->IsSpeech(frame);
  processed_ += kFrame;
  if (in_speech_) {
    for (int i = 0; i < kFrame; ++i) turn_.push_back(ToInt16(frame[i]));
    silent_frames_ = voiced ? 0 : silent_frames_ + 1;
    if (silent_frames_ * 10 >= options_.silence_duration_ms) {
      events->push_back(Stop(false));
    } else if (turn_.size() >= static_cast<std::size_t>(options_.max_turn_seconds * kRate)) {
      events->push_back(Stop(true));
    }
    return;
  }
  for (int i = 0; i < kFrame; ++i) pre_speech_.push_back(ToInt16(frame[i]));
  while (pre_speech_.size() > PreSpeechCapacity()) pre_speech_.pop_front();
  window_.push_back(voiced);
  voiced_in_window_ += voiced;
  if (window_.size() > static_cast<std::size_t>(options_.start_window_frames)) {
    voiced_in_window_ -= window_.front();
    window_.pop_front();
  }
  if (voiced_in_window_ < options_.start_voiced_frames) return;
  in_speech_ = true;
  silent_frames_ = 0;
  turn_.assign(pre_speech_.begin(), pre_speech_.end());
  pre_speech_.clear();
  window_.clear();
  voiced_in_window_ = 0;
  TurnEvent started;
  started.kind = TurnEvent::Kind::kSpeechStarted;
  started.audio_ms = (processed_ - static_cast<int64_t>(turn_.size())) * 1000 / kRate;
  events->push_back(std::move(started));
}

TurnEvent TurnDetector::Stop(bool cut) {
  TurnEvent stopped;
  stopped.kind = TurnEvent::Kind::kSpeechStopped;
  stopped.audio_ms = position_ms();
  stopped.audio = ToBuffer(turn_);
  stopped.cut = cut;
  in_speech_ = false;
  turn_.clear();
  turn_.shrink_to_fit();  // an idle session keeps no turn-sized buffer
  silent_frames_ = 0;
  return stopped;
}

std::size_t TurnDetector::CopyTurn(std::size_t from, std::vector<float>* out) const {
  for (std::size_t i = from; i < turn_.size(); ++i) out->push_back(turn_[i] / 32768.0f);
  return turn_.size();
}

std::optional<TurnEvent> TurnDetector::ForceStop() {
  if (!in_speech_) return std::nullopt;
  return Stop(false);
}

void TurnDetector::Clear() {
  in_speech_ = false;
  turn_.clear();
  turn_.shrink_to_fit();
  pre_speech_.clear();
  window_.clear();
  voiced_in_window_ = 0;
  silent_frames_ = 0;
}

}  // namespace mv
