#include "tts/remote-tts.h"

#include <future>

namespace mv {

void RemoteTts::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                           const TtsChunkCallback& on_chunk) {
  std::promise<std::optional<Error>> done;
  SynthesizeAsync(request, cancel, on_chunk,
                  [&done](std::optional<Error> e) { done.set_value(std::move(e)); });
  if (std::optional<Error> error = done.get_future().get()) throw *error;
}

void RemoteTts::SynthesizeAsync(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk,
                                std::function<void(std::optional<Error>)> on_done) {
  {
    std::lock_guard lock(calls_->mutex);
    ++calls_->in_flight;
  }
  // Counted until on_done has returned: nothing of this engine or its
  // caller's runs after WaitIdle().
  Spawn(Speak(std::move(request), std::move(cancel), std::move(on_chunk)),
        [calls = calls_, on_done = std::move(on_done)](std::exception_ptr failure) {
          std::optional<Error> error;
          if (failure) error = AsError(failure, "tts_failed");
          on_done(std::move(error));
          std::lock_guard lock(calls->mutex);
          if (--calls->in_flight == 0) calls->cv.notify_all();
        });
}

void RemoteTts::WaitIdle() {
  std::unique_lock lock(calls_->mutex);
  calls_->cv.wait(lock, [&] { return calls_->in_flight == 0; });
}

}  // namespace mv
