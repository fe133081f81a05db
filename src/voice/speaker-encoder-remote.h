// Speaker encoder behind HTTP, for neural models (3D-Speaker CAM++/ERes2Net,
// WeSpeaker ResNet/ECAPA, NeMo TitaNet...) run as a service. The contract is
// deliberately tiny so a model can be wrapped in a few lines:
//
//   POST <voiceprint.url>
//   Content-Type: audio/wav
//   body: 16 kHz mono 16-bit PCM WAV holding the speech only (voiced
//         stretches padded by 150 ms; silence already cut)
//   -> 200 application/json {"embedding": [float, ...]}
//
// Any other status, a body that is not that JSON, an empty, non-finite or
// inconsistent-length embedding is an error (kUpstream); connect failures
// kUnavailable; no answer within voiceprint.timeout_ms kTimeout. Scores are
// cosine similarities; the default threshold 0.5 suits typical cosine-scored
// models (WeSpeaker, 3D-Speaker) but set voiceprint.threshold for yours.
// docs/voiceprint.md has a ready-to-run wrapper.
//
// Runs Fetch() on the calling (compute) thread. Thread-safe.
#pragma once

#include <memory>

#include "voice/speaker-encoder.h"

namespace mv {

class HttpClient;

class SpeakerEncoderRemote : public SpeakerEncoder {
 public:
  // `client`: the runtime's (network I/O context); null: a private one.
  explicit SpeakerEncoderRemote(SpeakerEncoderConfig config,
                                std::shared_ptr<HttpClient> client = nullptr);

  std::string Name() const override { return "remote"; }
  double Score(const std::vector<float>& a, const std::vector<float>& b) const override {
    return CosineSimilarity(a, b);
  }
  double DefaultThreshold() const override { return 0.5; }

 protected:
  std::vector<float> EmbedSpeech(const SpeechAnalysis& speech,
                                 const CancelToken& cancel) const override;

 private:
  SpeakerEncoderConfig config_;
  std::shared_ptr<HttpClient> client_;
};

}  // namespace mv
