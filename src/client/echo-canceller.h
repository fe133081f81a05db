// Acoustic echo cancellation with libwebrtc-audio-processing 0.3: removes
// what the speaker played from what the microphone hears, so the answer
// being played does not barge in on itself. Also runs the APM's high-pass
// filter and moderate noise suppression on the microphone.
//
// Frames are 10 ms at one rate (8, 16, 32 or 48 kHz). Not thread-safe: feed
// both directions from one thread, far end first, in the order they were
// played and recorded.
#pragma once

#include <cstddef>
#include <memory>

namespace webrtc {
class AudioProcessing;
}

namespace mv {

class EchoCanceller {
 public:
  // Throws mv::Error kInvalidInput for an unsupported rate, kInternal when
  // the APM refuses its setup.
  explicit EchoCanceller(int sample_rate);
  ~EchoCanceller();
  EchoCanceller(const EchoCanceller&) = delete;
  EchoCanceller& operator=(const EchoCanceller&) = delete;

  static bool SupportsRate(int sample_rate);
  int sample_rate() const { return sample_rate_; }
  std::size_t frame_samples() const { return static_cast<std::size_t>(sample_rate_ / 100); }

  // Render time minus capture time of the same sound, roughly the output
  // plus the input latency of the devices.
  void set_delay_ms(int delay_ms) { delay_ms_ = delay_ms; }

  // One 10 ms frame the speaker is about to play.
  void AnalyzeFarEnd(const float* frame);
  // One 10 ms microphone frame, cleaned in place.
  void ProcessNearEnd(float* frame);

 private:
  int sample_rate_;
  int delay_ms_ = 0;
  std::unique_ptr<webrtc::AudioProcessing> apm_;
};

}  // namespace mv
