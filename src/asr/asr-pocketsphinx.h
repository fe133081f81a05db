// Embedded English ASR on CMU pocketsphinx 5prealpha (C API).
//
// Ownership: the engine shares its PocketsphinxDecoders (`pool_size`
// decoders, each with its own copy of the model) with the streams it opens.
// Transcribe() borrows one decoder per call, so up to pool_size requests run
// at once and the rest wait (cancellably) for a free decoder; a stream keeps
// one for its utterance (pocketsphinx-stream.h).
#pragma once

#include <memory>

#include "asr/asr.h"
#include "asr/pocketsphinx-decoders.h"

namespace mv {

class AsrPocketsphinx : public Asr {
 public:
  static constexpr int kSampleRate = 16000;

  // Loads the model. Throws mv::Error: kUnsupported for a language other than
  // English, kUnavailable when the model files are missing or fail to load.
  explicit AsrPocketsphinx(const AsrConfig& config);

  int SampleRate() const override { return kSampleRate; }
  // Returns lower-case words separated by single spaces ("" for silence).
  AsrResult Transcribe(const AudioBuffer& audio, const CancelToken& cancel) override;
  std::unique_ptr<AsrStream> OpenStream(const std::string& language) override;
  bool DecodesWhileSpeaking() const override { return true; }

 private:
  const std::shared_ptr<PocketsphinxDecoders> decoders_;
};

}  // namespace mv
