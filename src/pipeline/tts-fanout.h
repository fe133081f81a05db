// Synthesises one answer's segments in parallel (at most `parallelism` at
// once: on the compute pool for embedded engines; asynchronous engines start
// there and wait on the network holding no thread) and emits their audio
// strictly in order: the head
// segment streams chunk by chunk as it is produced, and every later segment
// is released the moment it and all before it are ready. A failed segment is
// retried once, then reported; never dropped silently.
//
// Back-pressure: after each piece of audio it emits, the fan-out asks
// `output_full` (when set). While the client is behind, it emits nothing
// and starts no new segment (jobs already running finish into its own
// buffer); the gate's resume goes on. Cancellation ends it paused or not.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"
#include "common/output-gate.h"
#include "common/thread-pool.h"
#include "tts/tts.h"

namespace mv {

struct TtsFanoutCallbacks {
  // All callbacks of one fan-out are serialised and come in segment order.
  // Audio of the head segment as it is produced.
  std::function<void(int index, const float* samples, std::size_t count, int rate)> on_audio;
  // A segment is complete; `audio` holds all of it.
  std::function<void(int index, const AudioBuffer& audio)> on_segment_done;
  // A segment failed twice; the answer goes on with the next one.
  std::function<void(int index, const Error& error)> on_segment_failed;
  // Closed and every segment emitted (or cancelled). Called exactly once.
  std::function<void(bool cancelled)> on_finished;
  // Asked after on_audio / on_segment_done / on_segment_failed; null = never full.
  OutputGate output_full;
};

class TtsFanout : public std::enable_shared_from_this<TtsFanout> {
 public:
  ~TtsFanout();
  static std::shared_ptr<TtsFanout> Create(Tts& tts, ThreadPool& pool, int parallelism,
                                           CancelToken cancel, TtsFanoutCallbacks callbacks);

  // Segment `index` values must be 0, 1, 2, ... in Add() order.
  void Add(int index, TtsRequest request);
  // No more segments will be added.
  void Close();

  int retries() const;
  // Fan-outs of this process waiting for their client now, and how many
  // times one paused so far (for /metrics).
  static int PausedNow();
  static std::uint64_t PausesTotal();

 private:
  struct Slot {
    TtsRequest request;
    std::vector<float> samples;
    int sample_rate = 0;
    std::size_t emitted = 0;  // samples of this slot already passed to on_audio
    std::size_t skip = 0;     // samples a retry must drop (already emitted)
    bool running = false, done = false, failed = false;
    int attempts = 0;
    std::optional<Error> error;
  };

  TtsFanout(Tts& tts, ThreadPool& pool, int parallelism, CancelToken cancel,
            TtsFanoutCallbacks callbacks);
  void StartMoreLocked(std::vector<int>* to_start);
  void Launch(int index);
  struct Job;
  void RunJob(int index);
  // A job's audio: into its slot, and out when it is the head's.
  bool TakeAudio(Job& job, const float* samples, std::size_t n, int rate, bool async);
  void EndJob(int index, std::optional<Error> error);
  void Pump();
  void PostPump();  // Pump() on the pool, at most one queued at a time
  // After an emission (emit lock held): true when the client is behind and
  // the fan-out is paused now.
  bool PauseIfFull();
  void Resume();
  void UncountLocked();

  Tts& tts_;
  ThreadPool& pool_;
  const int parallelism_;
  CancelToken cancel_;
  TtsFanoutCallbacks callbacks_;

  // guards slots_, base_, running_, closed_, finished_, paused_, retries_
  mutable std::mutex mutex_;
  std::deque<Slot> slots_;  // index i lives at slots_[i - base_]
  int base_ = 0;            // index of slots_.front()
  std::atomic<int> head_{0};  // next index to emit (read unlocked by jobs)
  int next_to_start_ = 0;
  int running_ = 0;
  bool closed_ = false;
  bool finished_ = false;
  bool paused_ = false;   // the client is behind: emit nothing, start nothing
  bool counted_ = false;  // this pause is in PausedNow()
  int retries_ = 0;
  std::atomic<bool> pump_posted_{false};
  std::mutex emit_mutex_;  // serialises callbacks so they come in order, one at a time
  CancelRegistration cancel_hook_;  // last: unhooked before anything it reaches goes
};

}  // namespace mv
