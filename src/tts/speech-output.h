// What a remote engine's Synthesize() hands its caller, across the attempts
// the endpoint pool makes (failover restarts a segment from its start on
// another server):
// - a retry skips the samples the caller already has, so audio never repeats;
// - the rate of the first audio holds for the whole call (a later attempt at
//   another rate, e.g. a v4 model after a v2, is resampled to it);
// - a trailing run of exact zeros is held back until real audio follows:
//   GPT-SoVITS, when generation fails mid-stream, sends ~1 s of zeros and
//   cuts the connection, and that silence must not reach the listener.
//   Real silence (fragment_interval pauses) is only delayed, never lost.
//
// Not thread-safe: used by the one thread running Synthesize().
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "audio/resampler.h"
#include "tts/tts.h"

namespace mv {

class SpeechOutput {
 public:
  explicit SpeechOutput(const TtsChunkCallback& on_chunk) : on_chunk_(on_chunk) {}

  // A new attempt starts from the segment's first sample.
  void BeginAttempt();
  // Audio of the current attempt. False: the caller wants no more.
  bool Add(const float* samples, std::size_t count, int sample_rate);
  // The attempt ended normally: releases what was held back.
  bool EndAttempt();

  std::size_t emitted() const { return emitted_; }  // samples passed on, at rate()
  int rate() const { return rate_; }                // 0 before the first audio
  std::size_t held_zeros() const { return held_zeros_; }
  // Samples of this attempt passed on (or skipped as a repeat), at rate().
  std::size_t attempt_audio() const { return position_; }

 private:
  bool Emit(const float* samples, std::size_t count);  // skipping, then on_chunk
  bool EmitZeros(std::size_t count);
  bool Pass(const float* samples, std::size_t count);  // resampling when the rate moved

  const TtsChunkCallback& on_chunk_;
  int rate_ = 0;                // of everything passed on
  std::size_t emitted_ = 0;     // samples passed on over all attempts
  std::size_t position_ = 0;    // samples of this attempt so far (at rate_)
  std::size_t held_zeros_ = 0;  // trailing zeros of this attempt, at the attempt's rate
  int attempt_rate_ = 0;
  std::unique_ptr<Resampler> resampler_;  // attempt rate -> rate_, when they differ
};

}  // namespace mv
