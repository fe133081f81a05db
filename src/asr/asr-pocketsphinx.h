// Embedded English ASR on CMU pocketsphinx 5prealpha (C API).
//
// Ownership: the object owns `pool_size` decoders, each with its own copy of
// the model, created in the constructor and freed in the destructor.
// Transcribe() borrows one decoder per call, so up to pool_size requests run
// at once and the rest wait (cancellably) for a free decoder.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "asr/asr.h"

struct ps_decoder_s;  // pocketsphinx.h stays out of our headers

namespace mv {

class AsrPocketsphinx : public Asr {
 public:
  static constexpr int kSampleRate = 16000;

  // Loads the model. Throws mv::Error: kUnsupported for a language other than
  // English, kUnavailable when the model files are missing or fail to load.
  explicit AsrPocketsphinx(const AsrConfig& config);
  ~AsrPocketsphinx() override;
  AsrPocketsphinx(const AsrPocketsphinx&) = delete;
  AsrPocketsphinx& operator=(const AsrPocketsphinx&) = delete;

  int SampleRate() const override { return kSampleRate; }
  // Returns lower-case words separated by single spaces ("" for silence).
  AsrResult Transcribe(const AudioBuffer& audio, const CancelToken& cancel) override;

 private:
  ps_decoder_s* Borrow(const CancelToken& cancel);
  void GiveBack(ps_decoder_s* decoder);
  std::string Decode(ps_decoder_s* decoder, const AudioBuffer& audio, const CancelToken& cancel);
  std::vector<float> CepstralMean(ps_decoder_s* decoder, const std::vector<int16_t>& pcm,
                                  const CancelToken& cancel);

  AsrConfig config_;
  std::vector<ps_decoder_s*> decoders_;  // all of them, for the destructor
  std::vector<float> initial_cmn_;       // the model's cepstral mean (-cmninit)
  std::mutex pool_mutex_;                // guards idle_
  std::condition_variable pool_cv_;      // signalled when a decoder goes back to idle_
  std::vector<ps_decoder_s*> idle_;
};

}  // namespace mv
