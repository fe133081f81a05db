#include "asr/buffering-asr-stream.h"

#include <utility>

#include "common/error.h"

namespace mv {

BufferingAsrStream::BufferingAsrStream(Asr& asr, std::string language)
    : asr_(asr), language_(std::move(language)) {
  audio_.sample_rate = asr.SampleRate();
}

void BufferingAsrStream::Accept(const float* samples, std::size_t n, const CancelToken& cancel) {
  if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  audio_.samples.insert(audio_.samples.end(), samples, samples + n);
}

AsrResult BufferingAsrStream::Finish(const CancelToken& cancel) {
  const AudioBuffer audio = std::exchange(audio_, AudioBuffer{{}, audio_.sample_rate});
  if (!language_.empty() && asr_.SupportsLanguage(language_))
    return asr_.TranscribeIn(audio, language_, cancel);
  return asr_.Transcribe(audio, cancel);
}

std::unique_ptr<AsrStream> Asr::OpenStream(const std::string& language) {
  return std::make_unique<BufferingAsrStream>(*this, language);
}

}  // namespace mv
