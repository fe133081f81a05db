#include "voice/mirror-voice-tts.h"

#include <optional>
#include <utility>

#include "common/error.h"
#include "voice/voice-shifter.h"

namespace mv {

MirrorVoiceTts::MirrorVoiceTts(Tts& base, VoiceMatch match)
    : base_(base), match_(std::move(match)) {}

std::unique_ptr<MirrorVoiceTts> MirrorVoiceTts::ForCaller(Tts& base, const VoiceMatcher& matcher,
                                                          const AudioBuffer& caller_audio) {
  const VoiceProfile caller = EstimateVoiceProfile(caller_audio, matcher.options().profile);
  return std::make_unique<MirrorVoiceTts>(base, matcher.Match(caller));
}

void MirrorVoiceTts::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                                const TtsChunkCallback& on_chunk) {
  TtsRequest shifted_request = request;
  shifted_request.voice = match_.voice;
  // Built on the first chunk: only then is the engine's rate known.
  std::optional<VoiceShifter> shifter;
  auto emit = [&](const std::vector<float>& samples, int rate) {
    return samples.empty() || on_chunk(samples.data(), samples.size(), rate);
  };
  base_.Synthesize(shifted_request, cancel, [&](const float* samples, std::size_t count, int rate) {
    if (shifter && shifter->sample_rate() != rate) {
      if (!emit(shifter->Flush(), shifter->sample_rate())) return false;
      shifter.reset();
    }
    if (!shifter) {
      shifter.emplace(rate, match_.pitch_semitones, match_.formant_scale);
    }
    if (shifter->passthrough()) return on_chunk(samples, count, rate);
    return emit(shifter->Process(samples, count), rate);
  });
  if (!shifter) return;
  if (cancel.IsCancelled() || !emit(shifter->Flush(), shifter->sample_rate())) {
    throw Error(ErrorKind::kCancelled, "cancelled", "speech synthesis cancelled");
  }
}

}  // namespace mv
