// Speaker encoder: audio -> fixed-length voiceprint (speaker embedding), and
// the engine's own similarity of two voiceprints in [0, 1]-ish (higher = more
// alike) with a calibrated default threshold. The voiceprint gate and speaker
// identification (speaker-gate.h) compare embeddings with Score().
//
// Engines (CreateSpeakerEncoder, keyed by config.engine):
//   "embedded"  classical features, no weights (speaker-encoder-embedded.h)
//   "remote"    POSTs the speech to an HTTP service that returns
//               {"embedding": [floats]} (speaker-encoder-remote.h)
//
// Every engine sees only the voiced part of the audio and refuses to guess on
// too little of it: Embed() throws mv::Error kInvalidInput
// "not_enough_speech" below config.min_speech_seconds of voiced speech.
//
// Ownership: encoders are shared by all requests; Embed() and Score() are
// thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audio/audio-buffer.h"
#include "common/cancel-token.h"
#include "voice/speech-analysis.h"

namespace mv {

class HttpClient;

struct SpeakerEncoderConfig {
  std::string engine = "embedded";  // "embedded" | "remote"
  std::string url;                  // remote: the embedding endpoint
  int timeout_ms = 10000;           // remote: whole request
  double min_speech_seconds = 1.0;  // voiced speech needed to score at all

  // Throws mv::Error kInvalidInput "bad_config"; messages name voiceprint.* keys.
  void Validate() const;
  std::string ToString() const;
};

struct SpeakerEmbedding {
  std::vector<float> values;
  double voiced_seconds = 0.0;  // how much voiced speech it rests on
};

class SpeakerEncoder {
 public:
  explicit SpeakerEncoder(double min_speech_seconds) : min_speech_seconds_(min_speech_seconds) {}
  virtual ~SpeakerEncoder() = default;

  virtual std::string Name() const = 0;
  // Similarity of two embeddings of this engine; symmetric.
  virtual double Score(const std::vector<float>& a, const std::vector<float>& b) const = 0;
  // Score at or above which two utterances count as one speaker.
  virtual double DefaultThreshold() const = 0;

  // Any rate in. Throws "not_enough_speech" (kInvalidInput) and whatever
  // the engine throws (kUnavailable, kTimeout, kUpstream for remote).
  SpeakerEmbedding Embed(const AudioBuffer& audio, const CancelToken& cancel = {}) const;
  double min_speech_seconds() const { return min_speech_seconds_; }

 protected:
  // `speech` holds at least min_speech_seconds of voiced speech.
  virtual std::vector<float> EmbedSpeech(const SpeechAnalysis& speech,
                                         const CancelToken& cancel) const = 0;

 private:
  double min_speech_seconds_;
};

// Cosine similarity; 0 when either vector is zero or the sizes differ.
double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b);

// Throws mv::Error kInvalidInput for an unknown engine.
// `http`: the client of the remote engine (the runtime's); null: a private one.
std::unique_ptr<SpeakerEncoder> CreateSpeakerEncoder(const SpeakerEncoderConfig& config,
                                                     std::shared_ptr<HttpClient> http = nullptr);

}  // namespace mv
