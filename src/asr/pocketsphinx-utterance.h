// One utterance on a borrowed pocketsphinx decoder: Start() with a cepstral
// mean, Feed() 16 kHz pcm in any amounts, Hypothesis() at any time, End()
// for the final words. The destructor ends an utterance still open, so the
// decoder goes back to its pool ready for the next one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/cancel-token.h"

struct ps_decoder_s;

namespace mv {

class PocketsphinxUtterance {
 public:
  explicit PocketsphinxUtterance(ps_decoder_s* decoder) : ps_(decoder) {}
  ~PocketsphinxUtterance();
  PocketsphinxUtterance(const PocketsphinxUtterance&) = delete;
  PocketsphinxUtterance& operator=(const PocketsphinxUtterance&) = delete;

  // Throws mv::Error (kInternal) when the decoder refuses.
  void Start(const std::vector<float>& cepstral_mean);
  // Decodes `n` samples; checks `cancel` between half-second chunks.
  void Feed(const int16_t* pcm, std::size_t n, const CancelToken& cancel);
  // The words so far, normalised as End()'s.
  std::string Hypothesis() const;
  // Ends the utterance: lower-case words separated by single spaces.
  std::string End();
  bool open() const { return open_; }

  // The mean of `pcm`'s cepstra (what batch CMN subtracts), computed with the
  // decoder's own front end, so call it before Start(). `fallback` when the
  // clip is too short for one frame.
  static std::vector<float> CepstralMean(ps_decoder_s* decoder, const std::vector<int16_t>& pcm,
                                         const std::vector<float>& fallback,
                                         const CancelToken& cancel);
  // Float samples in [-1, 1] -> int16, appended to `out` (NaN -> 0).
  static void AppendPcm(const float* samples, std::size_t n, std::vector<int16_t>* out);

 private:
  ps_decoder_s* const ps_;
  bool open_ = false;
};

}  // namespace mv
