#include "asr/pocketsphinx-utterance.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

// Cancellation is checked between chunks: 0.5 s of audio decodes in ~75 ms.
constexpr std::size_t kChunkSamples = 16000 / 2;

[[noreturn]] void ThrowCancelled() {
  throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
}

[[noreturn]] void ThrowFailed(const char* call) {
  throw Error(ErrorKind::kInternal, "asr_failed", std::string("pocketsphinx: ") + call + " failed");
}

// "Hello(2) world" -> "hello world": drops alternate-pronunciation markers
// and any filler that slips through.
std::string NormaliseHypothesis(const char* hyp) {
  if (hyp == nullptr) return {};
  std::istringstream words(hyp);
  std::string word, out;
  while (words >> word) {
    if (word.front() == '<' || word.front() == '[') continue;  // <sil>, [noise]
    if (auto paren = word.find('('); paren != std::string::npos) word.resize(paren);
    if (word.empty()) continue;
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace

PocketsphinxUtterance::~PocketsphinxUtterance() {
  if (open_) ps_end_utt(ps_);
}

void PocketsphinxUtterance::Start(const std::vector<float>& cepstral_mean) {
  if (ps_start_utt(ps_) < 0) ThrowFailed("ps_start_utt");
  open_ = true;
  cmn_live_set(ps_get_feat(ps_)->cmn_struct, cepstral_mean.data());
}

void PocketsphinxUtterance::Feed(const int16_t* pcm, std::size_t n, const CancelToken& cancel) {
  for (std::size_t offset = 0; offset < n; offset += kChunkSamples) {
    if (cancel.IsCancelled()) ThrowCancelled();
    const std::size_t take = std::min(kChunkSamples, n - offset);
    if (ps_process_raw(ps_, pcm + offset, take, FALSE, FALSE) < 0) ThrowFailed("ps_process_raw");
  }
}

std::string PocketsphinxUtterance::Hypothesis() const {
  return NormaliseHypothesis(ps_get_hyp(ps_, nullptr));
}

std::string PocketsphinxUtterance::End() {
  open_ = false;
  if (ps_end_utt(ps_) < 0) ThrowFailed("ps_end_utt");
  return NormaliseHypothesis(ps_get_hyp(ps_, nullptr));
}

std::vector<float> PocketsphinxUtterance::CepstralMean(ps_decoder_t* ps,
                                                       const std::vector<int16_t>& pcm,
                                                       const std::vector<float>& fallback,
                                                       const CancelToken& cancel) {
  fe_t* fe = ps_get_fe(ps);
  const int dims = fe_get_output_size(fe);
  constexpr int kMaxFrames = 64;
  std::vector<mfcc_t> storage(static_cast<std::size_t>(kMaxFrames) * dims);
  std::vector<mfcc_t*> frames(kMaxFrames);
  for (int i = 0; i < kMaxFrames; ++i) frames[i] = storage.data() + i * dims;
  std::vector<double> sum(dims, 0.0);
  long total = 0;
  auto accumulate = [&](int n) {
    for (int f = 0; f < n; ++f)
      for (int d = 0; d < dims; ++d) sum[d] += frames[f][d];
    total += n;
  };
  fe_start_utt(fe);
  for (std::size_t offset = 0; offset < pcm.size(); offset += kChunkSamples) {
    if (cancel.IsCancelled()) ThrowCancelled();
    const int16_t* in = pcm.data() + offset;
    std::size_t left = std::min(kChunkSamples, pcm.size() - offset);
    while (left > 0) {
      int32 n = kMaxFrames;
      if (fe_process_frames(fe, &in, &left, frames.data(), &n, nullptr) < 0)
        ThrowFailed("fe_process_frames");
      accumulate(n);
    }
  }
  int32 n = 0;
  fe_end_utt(fe, frames[0], &n);
  accumulate(n);
  if (total == 0) return fallback;
  std::vector<float> mean(dims);
  for (int d = 0; d < dims; ++d) mean[d] = static_cast<float>(sum[d] / total);
  return mean;
}

void PocketsphinxUtterance::AppendPcm(const float* samples, std::size_t n,
                                      std::vector<int16_t>* out) {
  out->reserve(out->size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    const float s = samples[i];
    out->push_back(std::isnan(s) ? int16_t{0}
                                 : static_cast<int16_t>(std::lrint(std::clamp(s, -1.0f, 1.0f) *
                                                                   32767.0f)));
  }
}

}  // namespace mv
