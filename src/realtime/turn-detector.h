// Endpointing for server VAD: cuts a 16 kHz stream into user turns with a
// VadStream. Speech starts once `start_voiced_frames` of the last
// `start_window_frames` 10 ms frames are voiced; the turn then keeps
// `prefix_padding_ms` of audio from before that window, and ends after
// `silence_duration_ms` of unvoiced frames (the silence stays in the turn,
// as OpenAI's does) or at `max_turn_seconds`.
//
// Memory is bounded: the pre-speech ring holds prefix + window, the turn at
// most max_turn_seconds (int16). Not thread-safe: one per session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "audio/audio-buffer.h"
#include "realtime/vad.h"

namespace mv {

struct TurnDetectorOptions {
  double threshold = 0.5;
  int prefix_padding_ms = 300;
  int silence_duration_ms = 500;
  int start_window_frames = 15;
  int start_voiced_frames = 12;
  double max_turn_seconds = 60;
};

struct TurnEvent {
  enum class Kind { kSpeechStarted, kSpeechStopped };
  Kind kind = Kind::kSpeechStarted;
  // Started: where the turn's audio begins (prefix included); stopped: where
  // it ends. Milliseconds of input since the stream began.
  int64_t audio_ms = 0;
  AudioBuffer audio;  // stopped: the whole turn at 16 kHz
  bool cut = false;   // stopped at max_turn_seconds, not by silence
};

class TurnDetector {
 public:
  static constexpr int kRate = VadStream::kSampleRate;
  static constexpr int kFrame = VadStream::kFrameSamples;

  TurnDetector(std::unique_ptr<VadStream> vad, TurnDetectorOptions options);
  void SetOptions(const TurnDetectorOptions& options);

  // Any number of 16 kHz samples; appends the events they complete.
  void Push(const float* samples, std::size_t n, std::vector<TurnEvent>* events);
  // Ends the turn in progress now (a manual commit while speaking).
  std::optional<TurnEvent> ForceStop();
  // Drops buffered audio (input_audio_buffer.clear); the position goes on.
  void Clear();

  bool in_speech() const { return in_speech_; }
  // The turn in progress so far (prefix included), for a recogniser that
  // decodes while the person speaks: samples from `from` on, appended to
  // `out`; returns the turn's length.
  std::size_t CopyTurn(std::size_t from, std::vector<float>* out) const;
  int64_t position_ms() const { return processed_ * 1000 / kRate; }

 private:
  void Frame(const float* frame, std::vector<TurnEvent>* events);
  TurnEvent Stop(bool cut);
  std::size_t PreSpeechCapacity() const;

  std::unique_ptr<VadStream> vad_;
  TurnDetectorOptions options_;
  std::vector<float> partial_;      // < one frame waiting for the rest
  int64_t processed_ = 0;           // samples through the detector
  std::deque<int16_t> pre_speech_;  // prefix + start window, while not in speech
  std::deque<bool> window_;         // voiced flags of the last frames
  int voiced_in_window_ = 0;
  bool in_speech_ = false;
  std::vector<int16_t> turn_;
  int silent_frames_ = 0;
};

}  // namespace mv
