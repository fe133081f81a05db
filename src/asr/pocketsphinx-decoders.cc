#include "asr/pocketsphinx-decoders.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "common/error.h"

namespace mv {
namespace {

bool IsEnglish(const std::string& language) {
  std::string lower = language;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower == "en" || lower.rfind("en-", 0) == 0 || lower.rfind("en_", 0) == 0;
}

void SilenceLibraryLogging() {
  static std::once_flag once;
  // Process-wide: pocketsphinx logs the whole config and model load to stderr.
  std::call_once(once, [] { err_set_logfp(nullptr); });
}

}  // namespace

PocketsphinxDecoders::Lease& PocketsphinxDecoders::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::move(other.pool_);
    decoder_ = std::exchange(other.decoder_, nullptr);
  }
  return *this;
}

void PocketsphinxDecoders::Lease::Release() {
  if (decoder_ != nullptr) pool_->GiveBack(std::exchange(decoder_, nullptr));
  pool_.reset();
}

std::shared_ptr<PocketsphinxDecoders> PocketsphinxDecoders::Load(const AsrConfig& config) {
  return std::shared_ptr<PocketsphinxDecoders>(new PocketsphinxDecoders(config));
}

PocketsphinxDecoders::PocketsphinxDecoders(const AsrConfig& config) {
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
  //
  // -fwdflat no: the flat-lexicon second pass runs over the whole utterance
  // inside ps_end_utt, so a stream that decoded while the person spoke still
  // paid ~100 ms per 4 s turn after the end of speech (measured with
  // bench/asr-stream-bench: end of turn -> final words p50 105 ms with it,
  // 15 ms without; bestpath off would give 7 ms but WER 15.5% instead of
  // 10%). Accuracy held: round-trip WER 6.0% -> 6.2% (one word of 336) batch,
  // 8.9% -> 7.7% streamed.
  //
  // -remove_silence stays on although its voice detector's noise estimate
  // also survives from one utterance to the next (so a decoder's words can
  // still depend on what it heard before: AsrPocketsphinx.
  // FourThreadsShareTwoDecoders fails when run after other tests in one
  // process): off, the silence frames skew the cepstral mean, WER 6.2% ->
  // 7.4% batch and 7.7% -> 26% streamed on VAD-shaped turns (measured).
  for (int i = 0; i < config.pool_size; ++i) {
    cmd_ln_t* args =
        cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                    dict.c_str(), "-mmap", "yes", "-remove_noise", "no", "-fwdflat", "no", nullptr);
    ps_decoder_t* ps = args != nullptr ? ps_init(args) : nullptr;
    if (args != nullptr) cmd_ln_free_r(args);  // the decoder keeps its own reference
    if (ps == nullptr) {
      for (ps_decoder_t* d : decoders_) ps_free(d);
      throw Error(ErrorKind::kUnavailable, "model_load_failed",
                  "pocketsphinx: failed to load the model from '" + config.model_dir + "'");
    }
    decoders_.push_back(ps);
  }
  static_assert(std::is_same_v<mfcc_t, float>, "sphinxbase built with FIXED_POINT");
  feat_t* feat = ps_get_feat(decoders_.front());
  initial_cmn_.resize(feat_cepsize(feat));
  cmn_live_get(feat->cmn_struct, initial_cmn_.data());
  idle_ = decoders_;
}

PocketsphinxDecoders::~PocketsphinxDecoders() {
  for (ps_decoder_t* ps : decoders_) ps_free(ps);
}

PocketsphinxDecoders::Lease PocketsphinxDecoders::Borrow(const CancelToken& cancel) {
  std::unique_lock lock(mutex_);
  // Polls the token rather than registering OnCancel: CancelToken callbacks
  // cannot be removed, and one would outlive this wait (and maybe this object).
  while (idle_.empty()) {
    if (cancel.IsCancelled()) break;
    idle_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  if (cancel.IsCancelled())
    throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  ps_decoder_t* ps = idle_.back();
  idle_.pop_back();
  return Lease(shared_from_this(), ps);
}

PocketsphinxDecoders::Lease PocketsphinxDecoders::TryBorrow() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return {};
  ps_decoder_t* ps = idle_.back();
  idle_.pop_back();
  return Lease(shared_from_this(), ps);
}

void PocketsphinxDecoders::GiveBack(ps_decoder_t* decoder) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(decoder);
  }
  idle_cv_.notify_one();
}

}  // namespace mv
