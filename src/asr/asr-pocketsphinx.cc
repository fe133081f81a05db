#include "asr/asr-pocketsphinx.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <type_traits>
#include <utility>

#include "common/error.h"

namespace mv {
namespace {

// Cancellation is checked between chunks: 0.5 s of audio decodes in ~75 ms.
constexpr std::size_t kChunkSamples = AsrPocketsphinx::kSampleRate / 2;

bool IsEnglish(const std::string& language) {
  std::string lower = language;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower == "en" || lower.rfind("en-", 0) == 0 || lower.rfind("en_", 0) == 0;
}

[[noreturn]] void ThrowCancelled() {
  throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
}

void SilenceLibraryLogging() {
  static std::once_flag once;
  // Process-wide: pocketsphinx logs the whole config and model load to stderr.
  std::call_once(once, [] { err_set_logfp(nullptr); });
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

int16_t ToInt16(float sample) {
  if (std::isnan(sample)) return 0;
  return static_cast<int16_t>(std::lrint(std::clamp(sample, -1.0f, 1.0f) * 32767.0f));
}

// Ends the utterance on every exit path so the decoder goes back to the pool
// ready for ps_start_utt().
class UtteranceGuard {
 public:
  explicit UtteranceGuard(ps_decoder_t* ps) : ps_(ps) {}
  ~UtteranceGuard() {
    if (ps_ != nullptr) ps_end_utt(ps_);
  }
  int End() { return ps_end_utt(std::exchange(ps_, nullptr)); }

 private:
  ps_decoder_t* ps_;
};

}  // namespace

AsrPocketsphinx::AsrPocketsphinx(const AsrConfig& config) : config_(config) {
  if (!IsEnglish(config.language)) {
    throw Error(ErrorKind::kUnsupported, "unsupported_language",
                "asr.language: pocketsphinx recognises English only (got '" + config.language +
                    "'); use language \"en\" or a remote ASR engine");
  }
  if (config.pool_size < 1) {
    throw Error(ErrorKind::kInvalidInput, "bad_config", "asr.pool_size: must be >= 1");
  }
  namespace fs = std::filesystem;
  const fs::path dir = config.model_dir;
  const fs::path hmm = dir / "en-us", lm = dir / "en-us.lm.bin", dict = dir / "cmudict-en-us.dict";
  std::error_code ec;
  for (const fs::path& p : {hmm, lm, dict}) {
    if (!fs::exists(p, ec)) {
      throw Error(ErrorKind::kUnavailable, "model_missing",
                  "pocketsphinx model not found: '" + p.string() +
                      "' does not exist (asr.model_dir '" + config.model_dir +
                      "' must hold en-us/, en-us.lm.bin, cmudict-en-us.dict; "
                      "Debian package pocketsphinx-en-us)");
    }
  }
  SilenceLibraryLogging();

  // Every decoder loads its own acoustic model, dictionary and LM: the
  // 5prealpha API has no way to share an acoustic model between decoders
  // (ps_init always builds a private acmod from -hmm). "-mmap yes" is meant to
  // let them share the LM pages, but 5prealpha reads the trie LM (.lm.bin)
  // into memory regardless: measured ~93 MB RSS per decoder with or without
  // it. Handing one ngram_model_t to several decoders (ps_set_lm) is not safe
  // either: lm_trie_score() writes its history caches into the model.
  //
  // -remove_noise no: the front end's noise estimate survives from one
  // utterance to the next and there is no API to reset it, so a request's
  // words would depend on what the decoder heard before (measured: 2-3 of 48
  // clips decoded differently in reverse order; none without it, and the
  // round-trip WER did not get worse).
  for (int i = 0; i < config.pool_size; ++i) {
    cmd_ln_t* args =
        cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                    dict.c_str(), "-mmap", "yes", "-remove_noise", "no", nullptr);
    ps_decoder_t* ps = args != nullptr ? ps_init(args) : nullptr;
    if (args != nullptr) cmd_ln_free_r(args);  // the decoder keeps its own reference
    if (ps == nullptr) {
      for (ps_decoder_t* d : decoders_) ps_free(d);
      throw Error(ErrorKind::kUnavailable, "model_load_failed",
                  "pocketsphinx: failed to load the model from '" + config.model_dir + "'");
    }
    decoders_.push_back(ps);
  }
  // Fallback mean for a clip too short to give one frame.
  static_assert(std::is_same_v<mfcc_t, float>, "sphinxbase built with FIXED_POINT");
  feat_t* feat = ps_get_feat(decoders_.front());
  initial_cmn_.resize(feat_cepsize(feat));
  cmn_live_get(feat->cmn_struct, initial_cmn_.data());
  idle_ = decoders_;
}

AsrPocketsphinx::~AsrPocketsphinx() {
  for (ps_decoder_t* ps : decoders_) ps_free(ps);
}

AsrResult AsrPocketsphinx::Transcribe(const AudioBuffer& audio, const CancelToken& cancel) {
  if (cancel.IsCancelled()) ThrowCancelled();
  if (audio.sample_rate != kSampleRate) {
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate",
                "pocketsphinx expects " + std::to_string(kSampleRate) + " Hz audio, got " +
                    std::to_string(audio.sample_rate) + " Hz (resample first)");
  }
  ps_decoder_t* ps = Borrow(cancel);
  AsrResult result;
  try {
    result.text = Decode(ps, audio, cancel);
  } catch (...) {
    GiveBack(ps);
    throw;
  }
  GiveBack(ps);
  result.language = "en";
  return result;
}

ps_decoder_t* AsrPocketsphinx::Borrow(const CancelToken& cancel) {
  std::unique_lock lock(pool_mutex_);
  // Polls the token rather than registering OnCancel: CancelToken callbacks
  // cannot be removed, and one would outlive this wait (and maybe this object).
  while (idle_.empty()) {
    if (cancel.IsCancelled()) ThrowCancelled();
    pool_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  if (cancel.IsCancelled()) ThrowCancelled();
  ps_decoder_t* ps = idle_.back();
  idle_.pop_back();
  return ps;
}

void AsrPocketsphinx::GiveBack(ps_decoder_t* decoder) {
  {
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(decoder);
  }
  pool_cv_.notify_one();
}

std::vector<float> AsrPocketsphinx::CepstralMean(ps_decoder_t* ps, const std::vector<int16_t>& pcm,
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
      if (fe_process_frames(fe, &in, &left, frames.data(), &n, nullptr) < 0) {
        throw Error(ErrorKind::kInternal, "asr_failed", "pocketsphinx: fe_process_frames failed");
      }
      accumulate(n);
    }
  }
  int32 n = 0;
  fe_end_utt(fe, frames[0], &n);
  accumulate(n);
  if (total == 0) return initial_cmn_;
  std::vector<float> mean(dims);
  for (int d = 0; d < dims; ++d) mean[d] = static_cast<float>(sum[d] / total);
  return mean;
}

std::string AsrPocketsphinx::Decode(ps_decoder_t* ps, const AudioBuffer& audio,
                                    const CancelToken& cancel) {
  std::vector<int16_t> pcm(audio.samples.size());
  std::transform(audio.samples.begin(), audio.samples.end(), pcm.begin(), ToInt16);
  // Streaming decoding only does live CMN, which adapts from one utterance to
  // the next: a decoder's output would depend on the requests it served
  // before (measured), and it starts from a poor guess. The whole clip is at
  // hand, so normalise with its own mean, as batch CMN would: a cheap extra
  // MFCC pass (measured WER 6.0% with it vs 9.5% starting each utterance from
  // the model's initial mean).
  const std::vector<float> mean = CepstralMean(ps, pcm, cancel);
  if (ps_start_utt(ps) < 0) {
    throw Error(ErrorKind::kInternal, "asr_failed", "pocketsphinx: ps_start_utt failed");
  }
  UtteranceGuard utterance(ps);
  cmn_live_set(ps_get_feat(ps)->cmn_struct, mean.data());
  for (std::size_t offset = 0; offset < pcm.size(); offset += kChunkSamples) {
    if (cancel.IsCancelled()) ThrowCancelled();
    const std::size_t n = std::min(kChunkSamples, pcm.size() - offset);
    if (ps_process_raw(ps, pcm.data() + offset, n, FALSE, FALSE) < 0) {
      throw Error(ErrorKind::kInternal, "asr_failed", "pocketsphinx: ps_process_raw failed");
    }
  }
  if (utterance.End() < 0) {
    throw Error(ErrorKind::kInternal, "asr_failed", "pocketsphinx: ps_end_utt failed");
  }
  return NormaliseHypothesis(ps_get_hyp(ps, nullptr));
}

}  // namespace mv
