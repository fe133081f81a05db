#include "tts/tts.h"

#include "common/error.h"

namespace mv {

void Tts::SynthesizeAsync(TtsRequest request, CancelToken cancel, TtsChunkCallback on_chunk,
                          std::function<void(std::optional<Error>)> on_done) {
  std::optional<Error> error;
  try {
    Synthesize(request, cancel, on_chunk);
  } catch (...) {
    error = AsError(std::current_exception(), "tts_failed");
  }
  on_done(std::move(error));
}

AudioBuffer Tts::SynthesizeAll(const TtsRequest& request, const CancelToken& cancel) {
  AudioBuffer out;
  bool first = true;
  Synthesize(request, cancel, [&](const float* samples, std::size_t count, int sample_rate) {
    if (first) {
      out.sample_rate = sample_rate;  // keep the engine's own rate
      first = false;
    } else if (sample_rate != out.sample_rate) {
      throw Error(ErrorKind::kInternal, "tts_failed",
                  "tts: sample rate changed mid-stream (" + std::to_string(out.sample_rate) +
                      " -> " + std::to_string(sample_rate) + " Hz)");
    }
    out.samples.insert(out.samples.end(), samples, samples + count);
    return true;
  });
  return out;
}

}  // namespace mv
