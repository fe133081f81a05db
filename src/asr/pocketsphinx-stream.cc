#include "asr/pocketsphinx-stream.h"

#include <utility>

#include "common/error.h"

namespace mv {

PocketsphinxStream::PocketsphinxStream(std::shared_ptr<PocketsphinxDecoders> decoders)
    : decoders_(std::move(decoders)) {}

void PocketsphinxStream::Accept(const float* samples, std::size_t n, const CancelToken& cancel) {
  if (finished_) throw Error(ErrorKind::kInternal, "asr_failed", "audio after the stream finished");
  if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  PocketsphinxUtterance::AppendPcm(samples, n, &pending_);
  if (!lease_) lease_ = decoders_->TryBorrow();
  if (!lease_ || (!utterance_ && pending_.size() < kWarmupSamples)) return;
  CatchUp(cancel);
  if (since_partial_ < kPartialEverySamples) return;
  partial_ = utterance_->Hypothesis();
  since_partial_ = 0;
}

void PocketsphinxStream::CatchUp(const CancelToken& cancel) {
  if (!utterance_) {
    const std::vector<float> mean = PocketsphinxUtterance::CepstralMean(
        lease_.get(), pending_, decoders_->initial_cmn(), cancel);
    utterance_.emplace(lease_.get());
    utterance_->Start(mean);
  }
  utterance_->Feed(pending_.data(), pending_.size(), cancel);
  since_partial_ += pending_.size();
  pending_.clear();
}

AsrResult PocketsphinxStream::Finish(const CancelToken& cancel) {
  if (finished_) throw Error(ErrorKind::kInternal, "asr_failed", "the stream already finished");
  finished_ = true;
  if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  if (!lease_) lease_ = decoders_->Borrow(cancel);
  CatchUp(cancel);
  AsrResult result{utterance_->End(), "en"};
  utterance_.reset();
  lease_ = {};  // the decoder is free for the next utterance at once
  partial_ = result.text;
  return result;
}

}  // namespace mv
