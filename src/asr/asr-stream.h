// One utterance being recognised while it is spoken, after sherpa-onnx's
// OnlineStream: the model stays shared in the Asr, each utterance gets a
// stream. Audio goes in as it arrives, the words so far can be read at any
// time, and Finish() gives the final result.
//
// Threading: one caller at a time (a session's ASR jobs run in order).
// Accept() and Finish() may do decoding work or wait on a server, so they run
// on a compute thread, never on an I/O thread.
// Lifetime: a stream must not outlive the Asr that opened it.
#pragma once

#include <cstddef>
#include <string>

#include "common/cancel-token.h"

namespace mv {

struct AsrResult {
  std::string text;
  std::string language;
};

class AsrStream {
 public:
  virtual ~AsrStream() = default;
  // Samples at the engine's Asr::SampleRate(). Throws mv::Error
  // (kCancelled when `cancel` fires).
  virtual void Accept(const float* samples, std::size_t n, const CancelToken& cancel) = 0;
  // The words recognised so far; may still change until Finish(). "" for an
  // engine that only recognises at the end.
  virtual std::string Partial() const = 0;
  // No more audio: the final result. Call once. Throws mv::Error.
  virtual AsrResult Finish(const CancelToken& cancel) = 0;
};

}  // namespace mv
