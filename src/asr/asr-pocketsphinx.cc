#include "asr/asr-pocketsphinx.h"

#include "asr/pocketsphinx-stream.h"
#include "asr/pocketsphinx-utterance.h"
#include "common/error.h"

namespace mv {

AsrPocketsphinx::AsrPocketsphinx(const AsrConfig& config)
    : decoders_(PocketsphinxDecoders::Load(config)) {}

AsrResult AsrPocketsphinx::Transcribe(const AudioBuffer& audio, const CancelToken& cancel) {
  if (cancel.IsCancelled())
    throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  if (audio.sample_rate != kSampleRate) {
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate",
                "pocketsphinx expects " + std::to_string(kSampleRate) + " Hz audio, got " +
                    std::to_string(audio.sample_rate) + " Hz (resample first)");
  }
  std::vector<int16_t> pcm;
  PocketsphinxUtterance::AppendPcm(audio.samples.data(), audio.samples.size(), &pcm);
  const PocketsphinxDecoders::Lease lease = decoders_->Borrow(cancel);
  // Streaming decoding only does live CMN, which adapts from one utterance to
  // the next: a decoder's output would depend on the requests it served
  // before (measured), and it starts from a poor guess. The whole clip is at
  // hand, so normalise with its own mean, as batch CMN would: a cheap extra
  // MFCC pass (measured WER 6.0% with it vs 9.5% starting each utterance from
  // the model's initial mean).
  const std::vector<float> mean =
      PocketsphinxUtterance::CepstralMean(lease.get(), pcm, decoders_->initial_cmn(), cancel);
  PocketsphinxUtterance utterance(lease.get());
  utterance.Start(mean);
  utterance.Feed(pcm.data(), pcm.size(), cancel);
  return {utterance.End(), "en"};
}

std::unique_ptr<AsrStream> AsrPocketsphinx::OpenStream(const std::string& /*language*/) {
  return std::make_unique<PocketsphinxStream>(decoders_);
}

}  // namespace mv
