// Microphone and speaker through PortAudio: a thin adapter behind
// AudioSource / AudioSink. One stream, full duplex when both directions are
// used, in 10 ms buffers, so the callback hands each microphone buffer over
// together with the buffer it played at the same moment: the echo
// canceller's reference comes aligned for free.
//
// Threading: PortAudio's callback only copies samples under short locks.
// Read() (one thread) runs echo cancellation and resampling; Play(),
// Flush() and Drain() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "audio/resampler.h"
#include "client/audio-io.h"
#include "client/echo-canceller.h"
#include "client/sound-devices.h"

namespace mv {

struct DeviceAudioOptions {
  std::optional<SoundDevice> input;   // nullopt: no microphone
  std::optional<SoundDevice> output;  // nullopt: no speaker
  bool echo_cancellation = true;      // used when both devices are open
};

class DeviceAudio : public AudioSource, public AudioSink {
 public:
  // Opens and starts the stream. Needs a live PortAudioSession. Throws
  // mv::Error kUnavailable with PortAudio's reason.
  explicit DeviceAudio(const DeviceAudioOptions& options);
  ~DeviceAudio() override;
  DeviceAudio(const DeviceAudio&) = delete;
  DeviceAudio& operator=(const DeviceAudio&) = delete;

  // AudioSource: 20 ms chunks of (echo-cancelled) microphone audio.
  bool Read(std::vector<float>& chunk) override;
  void Stop() override;

  // AudioSink.
  void Play(const float* samples, std::size_t n) override;
  void Flush() override;
  void Drain(const std::atomic<bool>& stop) override;

  int device_rate() const { return rate_; }
  bool echo_cancelling() const { return aec_ != nullptr; }

  // The PortAudio callback's work; public for the C trampoline only.
  void OnBuffers(const float* in, float* out, unsigned long frames);

 private:
  struct Captured {
    std::vector<float> mic;
    std::vector<float> played;  // what the speaker played in the same callback
  };

  int rate_ = 48000;
  void* stream_ = nullptr;  // PaStream*
  std::unique_ptr<EchoCanceller> aec_;
  bool has_input_ = false;
  bool has_output_ = false;

  std::mutex play_mutex_;        // guards playback_ (the callback takes it)
  std::deque<float> playback_;   // at rate_, waiting for the speaker
  std::mutex resample_mutex_;    // guards up_ (kept out of the callback's way)
  std::optional<Resampler> up_;  // kClientRate -> rate_

  std::mutex capture_mutex_;            // guards captured_, stopped_
  std::condition_variable capture_cv_;  // captured_ or stopped_ changed
  std::deque<Captured> captured_;
  bool stopped_ = false;

  // Read() only.
  std::optional<Resampler> down_;  // rate_ -> kClientRate
  std::vector<float> ready_;       // at kClientRate, not yet returned
};

}  // namespace mv
