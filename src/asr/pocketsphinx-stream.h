// pocketsphinx decoding while the person speaks. The stream borrows a
// decoder at its first audio when one is free and keeps it to the end of the
// utterance; the words are then ready a few milliseconds after the last
// sample instead of a whole decode later.
//
// Cepstral mean: batch decoding subtracts the clip's own mean, which a stream
// cannot know. It waits for kWarmupSamples (1 s: the VAD's 300 ms prefix and
// the first words), takes their mean, then decodes everything so far and
// everything after as it comes. A stream that found no free decoder, or an
// utterance shorter than the warm-up, is decoded at Finish() exactly as
// AsrPocketsphinx::Transcribe() would: whole-clip mean, same words.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asr/asr-stream.h"
#include "asr/pocketsphinx-decoders.h"
#include "asr/pocketsphinx-utterance.h"

namespace mv {

class PocketsphinxStream : public AsrStream {
 public:
  static constexpr std::size_t kWarmupSamples = 16000;
  // Partial() is refreshed after at least this much new audio (a backtrace
  // per 40 ms chunk would cost more than the words change).
  static constexpr std::size_t kPartialEverySamples = 16000 / 5;

  explicit PocketsphinxStream(std::shared_ptr<PocketsphinxDecoders> decoders);

  void Accept(const float* samples, std::size_t n, const CancelToken& cancel) override;
  std::string Partial() const override { return partial_; }
  AsrResult Finish(const CancelToken& cancel) override;

  // Whether decoding started while the audio came (tests, benchmarks).
  bool decoding_live() const { return utterance_.has_value(); }

 private:
  void CatchUp(const CancelToken& cancel);

  const std::shared_ptr<PocketsphinxDecoders> decoders_;
  PocketsphinxDecoders::Lease lease_;  // declared before utterance_: outlives it
  std::optional<PocketsphinxUtterance> utterance_;
  std::vector<int16_t> pending_;  // not yet decoded (all of it before the start)
  std::string partial_;
  std::size_t since_partial_ = 0;  // samples decoded since partial_ was taken
  bool finished_ = false;
};

}  // namespace mv
