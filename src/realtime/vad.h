// Voice activity detection for /v1/realtime. A Vad holds what all sessions
// share (the engine and its settings); each session asks it for a VadStream,
// which holds that session's detector state. Frames are 10 ms at 16 kHz.
//
// Threading: a Vad is immutable and shared; a VadStream belongs to one
// session and is used by one thread at a time.
#pragma once

#include <memory>
#include <string>

namespace mv {

struct VadConfig {
  std::string engine = "webrtc";  // realtime.vad_engine

  void Validate() const;  // throws mv::Error kInvalidInput "bad_config"
  std::string ToString() const;
};

class VadStream {
 public:
  static constexpr int kSampleRate = 16000;
  static constexpr int kFrameSamples = 160;  // 10 ms

  virtual ~VadStream() = default;
  // One frame of kFrameSamples samples in [-1, 1]: true when it holds speech
  // at the current threshold.
  virtual bool IsSpeech(const float* frame) = 0;
  // OpenAI's server_vad threshold: 0..1, higher = louder speech needed.
  virtual void SetThreshold(double threshold) = 0;
};

class Vad {
 public:
  virtual ~Vad() = default;
  virtual std::unique_ptr<VadStream> NewStream(double threshold) const = 0;
};

// Factory keyed by config.engine; throws mv::Error kInvalidInput for an
// unknown engine.
std::unique_ptr<Vad> CreateVad(const VadConfig& config);

}  // namespace mv
