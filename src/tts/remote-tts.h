// What every remote TTS engine (GPT-SoVITS, XTTS, OpenAI speech) shares:
// it is asynchronous (a synthesis is a coroutine over the network; no
// thread waits on it), Synthesize() is that coroutine waited on, and its
// calls in flight are counted so the engine is never destroyed under one.
//
// An engine writes Speak() (a coroutine: see common/task.h); its destructor
// calls WaitIdle() first, before any of its own members go (the runtime
// has cancelled everything by then, so the wait is short).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "common/task.h"
#include "tts/tts.h"

namespace mv {

class RemoteTts : public Tts {
 public:
  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) final;
  bool asynchronous() const final { return true; }
  void SynthesizeAsync(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk,
                       std::function<void(std::optional<Error>)> on_done) final;
  void WaitIdle() final;

 protected:
  // One synthesis; throws mv::Error as Synthesize() does.
  virtual Task<void> Speak(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk) = 0;

 private:
  // Shared with the calls, so the last one may still unlock it after the
  // engine's WaitIdle() has returned.
  struct Calls {
    std::mutex mutex;            // guards in_flight
    std::condition_variable cv;  // signalled when in_flight reaches 0
    int in_flight = 0;
  };
  std::shared_ptr<Calls> calls_ = std::make_shared<Calls>();
};

}  // namespace mv
