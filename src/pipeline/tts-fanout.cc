#include "pipeline/tts-fanout.h"

#include <spdlog/spdlog.h>

namespace mv {
namespace {
std::atomic<int> paused_now{0};
std::atomic<std::uint64_t> pauses_total{0};
}  // namespace

int TtsFanout::PausedNow() { return paused_now.load(); }

std::uint64_t TtsFanout::PausesTotal() { return pauses_total.load(); }

TtsFanout::~TtsFanout() { UncountLocked(); }  // the last reference: nobody else locks

std::shared_ptr<TtsFanout> TtsFanout::Create(Tts& tts, ThreadPool& pool, int parallelism,
                                             CancelToken cancel, TtsFanoutCallbacks callbacks) {
  auto f = std::shared_ptr<TtsFanout>(
      new TtsFanout(tts, pool, parallelism, std::move(cancel), std::move(callbacks)));
  // Cancellation must finish the fan-out even if no job is left to notice it.
  f->cancel_hook_ = f->cancel_.OnCancel([weak = std::weak_ptr<TtsFanout>(f)] {
    if (auto self = weak.lock()) self->Pump();
  });
  return f;
}

TtsFanout::TtsFanout(Tts& tts, ThreadPool& pool, int parallelism, CancelToken cancel,
                     TtsFanoutCallbacks callbacks)
    : tts_(tts),
      pool_(pool),
      parallelism_(std::max(1, parallelism)),
      cancel_(std::move(cancel)),
      callbacks_(std::move(callbacks)) {}

int TtsFanout::retries() const {
  std::lock_guard lock(mutex_);
  return retries_;
}

void TtsFanout::Add(int index, TtsRequest request) {
  std::vector<int> to_start;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || index != base_ + static_cast<int>(slots_.size())) {
      spdlog::error("tts fan-out: segment {} added out of order or after Close()", index);
      return;
    }
    Slot slot;
    slot.request = std::move(request);
    slots_.push_back(std::move(slot));
    StartMoreLocked(&to_start);
  }
  for (int i : to_start) Launch(i);
}

void TtsFanout::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  Pump();
}

void TtsFanout::StartMoreLocked(std::vector<int>* to_start) {
  if (cancel_.IsCancelled() || paused_) return;
  while (running_ < parallelism_ && next_to_start_ < base_ + static_cast<int>(slots_.size())) {
    Slot& slot = slots_[next_to_start_ - base_];
    slot.running = true;
    ++running_;
    to_start->push_back(next_to_start_++);
  }
}

void TtsFanout::Launch(int index) {
  // Earlier segments first, across all turns (see ThreadPool::Post).
  pool_.Post([self = shared_from_this(), index] { self->RunJob(index); }, 1 + index);
}

// What one attempt of a segment's job carries between its audio callbacks.
struct TtsFanout::Job {
  int index = 0;
  std::size_t skip = 0;  // samples a retry must drop (already emitted)
  bool first_chunk = true;
};

void TtsFanout::RunJob(int index) {
  TtsRequest request;
  auto job = std::make_shared<Job>();
  job->index = index;
  {
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[index - base_];
    request = slot.request;
    job->skip = slot.skip;
    ++slot.attempts;
  }
  if (cancel_.IsCancelled())
    return EndJob(index, Error(ErrorKind::kCancelled, "cancelled", "turn cancelled"));
  const bool async = tts_.asynchronous();
  auto on_chunk = [self = shared_from_this(), job, async](const float* samples, std::size_t n,
                                                          int rate) {
    return self->TakeAudio(*job, samples, n, rate, async);
  };
  if (async) {
    // Its waits hold no thread; its audio arrives on network I/O threads.
    tts_.SynthesizeAsync(std::move(request), cancel_, std::move(on_chunk),
                         [self = shared_from_this(), index](std::optional<Error> error) {
                           self->EndJob(index, std::move(error));
                         });
    return;
  }
  std::optional<Error> error;
  try {
    tts_.Synthesize(request, cancel_, on_chunk);
  } catch (...) {
    error = AsError(std::current_exception(), "tts_failed");
  }
  EndJob(index, std::move(error));
}

bool TtsFanout::TakeAudio(Job& job, const float* samples, std::size_t n, int rate, bool async) {
  if (cancel_.IsCancelled()) return false;
  {
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[job.index - base_];
    if (job.first_chunk) slot.sample_rate = rate;
    job.first_chunk = false;
    // A retry repeats what the failed attempt already streamed: skip it.
    std::size_t drop = std::min(job.skip, n);
    job.skip -= drop;
    slot.samples.insert(slot.samples.end(), samples + drop, samples + n);
  }
  if (job.index != head_) return true;
  // Stream the head segment as it grows; audio that arrived on an I/O
  // thread is emitted (encoded, sent) from the pool.
  if (async)
    PostPump();
  else
    Pump();
  return true;
}

void TtsFanout::PostPump() {
  if (pump_posted_.exchange(true)) return;  // one queued pump emits all that came
  pool_.Post(
      [self = shared_from_this()] {
        self->pump_posted_ = false;
        self->Pump();
      },
      0);
}

void TtsFanout::EndJob(int index, std::optional<Error> error) {
  std::vector<int> to_start;
  bool retry = false;
  {
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[index - base_];
    if (error && error->kind() != ErrorKind::kCancelled && slot.attempts < 2 &&
        !cancel_.IsCancelled()) {
      // Keep what was already emitted; the retry skips that many samples.
      slot.skip = slot.emitted;
      slot.samples.resize(slot.emitted);
      ++retries_;
      retry = true;
      spdlog::warn("tts segment {} failed ({}), retrying", index, error->what());
    } else {
      slot.running = false;
      slot.done = true;
      if (error) {
        slot.failed = true;
        slot.error = *error;
      }
      --running_;
      StartMoreLocked(&to_start);
    }
  }
  if (retry) {
    Launch(index);  // back of the pool's queue: likely another worker thread
    return;
  }
  for (int i : to_start) Launch(i);
  if (tts_.asynchronous())
    PostPump();
  else
    Pump();
}

void TtsFanout::Pump() {
  // A callback may drop the owner's last reference (on_finished does): stay
  // alive until this call returns, and never run on_finished under our lock.
  auto self = shared_from_this();
  std::unique_lock emit(emit_mutex_);
  for (;;) {
    std::vector<float> fresh;
    int rate = 0;
    int index = -1;
    bool segment_done = false, failed = false, finish = false, cancelled = cancel_.IsCancelled();
    std::optional<Error> error;
    AudioBuffer whole;
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      if (cancelled) {
        // Running jobs see the token and end; nothing more is emitted.
        if (running_ > 0) return;
        finished_ = finish = true;
        UncountLocked();
      } else if (paused_) {
        return;  // the client is behind: Resume() pumps again
      } else if (head_ >= base_ + static_cast<int>(slots_.size())) {
        if (closed_ && running_ == 0)
          finished_ = finish = true;
        else
          return;
      } else {
        Slot& slot = slots_[head_ - base_];
        index = head_;
        rate = slot.sample_rate;
        if (slot.samples.size() > slot.emitted) {
          fresh.assign(slot.samples.begin() + static_cast<std::ptrdiff_t>(slot.emitted),
                       slot.samples.end());
          slot.emitted = slot.samples.size();
        }
        if (slot.done) {
          segment_done = true;
          failed = slot.failed;
          error = slot.error;
          whole.samples = std::move(slot.samples);
          whole.sample_rate = slot.sample_rate;
          ++head_;
          slots_.pop_front();  // emitted: free its audio
          ++base_;
        } else if (fresh.empty()) {
          return;  // head still synthesising and nothing new
        }
      }
    }
    if (finish) {
      // finished_ is set: no other callback can follow, so the emit lock
      // (which only orders callbacks) is not needed for the last one.
      emit.unlock();
      if (callbacks_.on_finished) callbacks_.on_finished(cancelled);
      return;
    }
    if (!fresh.empty() && callbacks_.on_audio)
      callbacks_.on_audio(index, fresh.data(), fresh.size(), rate);
    if (segment_done) {
      if (failed) {
        if (callbacks_.on_segment_failed) callbacks_.on_segment_failed(index, *error);
      } else if (callbacks_.on_segment_done) {
        callbacks_.on_segment_done(index, whole);
      }
    }
    if ((!fresh.empty() || segment_done) && PauseIfFull()) return;
  }
}

bool TtsFanout::PauseIfFull() {
  if (!callbacks_.output_full) return false;
  {
    std::lock_guard lock(mutex_);
    paused_ = true;  // before asking: the resume may come before the answer
  }
  std::weak_ptr<TtsFanout> weak = weak_from_this();
  if (callbacks_.output_full([weak] {
        if (auto self = weak.lock()) self->Resume();
      })) {
    ++pauses_total;
    std::lock_guard lock(mutex_);
    if (paused_ && !finished_ && !counted_) {  // not resumed already
      counted_ = true;
      ++paused_now;
    }
    return true;
  }
  std::lock_guard lock(mutex_);
  paused_ = false;
  return false;
}

void TtsFanout::Resume() {
  // Often on an I/O thread: the emitting (encoding, sending) goes to the
  // pool, ahead of segment jobs (it is short).
  pool_.Post(
      [self = shared_from_this()] {
        std::vector<int> to_start;
        {
          std::lock_guard lock(self->mutex_);
          self->paused_ = false;
          self->UncountLocked();
          self->StartMoreLocked(&to_start);
        }
        for (int i : to_start) self->Launch(i);
        self->Pump();
      },
      0);
}

void TtsFanout::UncountLocked() {
  if (!counted_) return;
  counted_ = false;
  --paused_now;
}

}  // namespace mv

