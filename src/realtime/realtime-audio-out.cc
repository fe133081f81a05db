#include "realtime/realtime-audio-out.h"

#include "audio/audio-encoder.h"
#include "common/base64.h"

namespace mv {

std::vector<std::string> RealtimeAudioOut::Push(int segment, const float* samples, std::size_t n,
                                                int rate) {
  std::vector<std::string> out;
  if (segment != segment_ || !resampler_ || resampler_->input_rate() != rate) {
    if (resampler_) Take(resampler_->Flush(), false, &out);
    resampler_ = std::make_unique<Resampler>(rate, kRate);
    segment_ = segment;
  }
  Take(resampler_->Process(samples, n), false, &out);
  return out;
}

std::vector<std::string> RealtimeAudioOut::Flush() {
  std::vector<std::string> out;
  if (resampler_)
    Take(resampler_->Flush(), true, &out);
  else
    Take({}, true, &out);
  resampler_.reset();
  return out;
}

void RealtimeAudioOut::Take(std::vector<float> samples, bool all, std::vector<std::string>* out) {
  pending_.insert(pending_.end(), samples.begin(), samples.end());
  std::size_t sent = 0;
  while (pending_.size() - sent >= kChunkSamples) {
    out->push_back(Base64Encode(ToPcm16(pending_.data() + sent, kChunkSamples)));
    sent += kChunkSamples;
  }
  if (all && pending_.size() > sent) {
    out->push_back(Base64Encode(ToPcm16(pending_.data() + sent, pending_.size() - sent)));
    sent = pending_.size();
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(sent));
}

}  // namespace mv
