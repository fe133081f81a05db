// The AsrStream of engines that recognise whole clips only (whisper-server,
// OpenAI transcriptions, ...): keeps the audio and transcribes it at Finish().
#pragma once

#include <string>

#include "asr/asr.h"

namespace mv {

class BufferingAsrStream : public AsrStream {
 public:
  // `asr` must outlive the stream.
  BufferingAsrStream(Asr& asr, std::string language);

  void Accept(const float* samples, std::size_t n, const CancelToken& cancel) override;
  std::string Partial() const override { return {}; }
  AsrResult Finish(const CancelToken& cancel) override;

 private:
  Asr& asr_;
  const std::string language_;
  AudioBuffer audio_;
};

}  // namespace mv
