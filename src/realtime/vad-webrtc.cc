#include "realtime/vad-webrtc.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "common/error.h"

namespace mv {
namespace {

// Higher thresholds ask the detector for more certainty too.
webrtc::VoiceDetection::Likelihood LikelihoodFor(double threshold) {
  if (threshold < 0.3) return webrtc::VoiceDetection::kHighLikelihood;
  if (threshold < 0.6) return webrtc::VoiceDetection::kModerateLikelihood;
  if (threshold < 0.8) return webrtc::VoiceDetection::kLowLikelihood;
  return webrtc::VoiceDetection::kVeryLowLikelihood;
}

double LevelDbfs(const float* frame) {
  double energy = 0;
  for (int i = 0; i < VadStream::kFrameSamples; ++i) energy += double(frame[i]) * frame[i];
  const double rms = std::sqrt(energy / VadStream::kFrameSamples);
  return 20.0 * std::log10(std::max(rms, 1e-9));
}

class WebRtcVadStream : public VadStream {
 public:
  explicit WebRtcVadStream(double threshold) : apm_(webrtc::AudioProcessing::Create()) {
    if (!apm_)
      throw Error(ErrorKind::kInternal, "vad_init", "webrtc audio processing failed to start");
    using Layout = webrtc::AudioProcessing::ChannelLayout;
    if (apm_->Initialize(kSampleRate, kSampleRate, kSampleRate, Layout::kMono, Layout::kMono,
                         Layout::kMono) != webrtc::AudioProcessing::kNoError ||
        apm_->voice_detection()->Enable(true) != webrtc::AudioProcessing::kNoError)
      throw Error(ErrorKind::kInternal, "vad_init", "webrtc voice detection failed to start");
    SetThreshold(threshold);
  }

  bool IsSpeech(const float* frame) override {
    const bool loud = LevelDbfs(frame) >= gate_dbfs_;
    // The detector sees every frame, so its noise model keeps adapting.
    std::copy(frame, frame + kFrameSamples, in_.begin());
    const float* src[] = {in_.data()};
    float* dst[] = {out_.data()};
    using Layout = webrtc::AudioProcessing::ChannelLayout;
    if (apm_->ProcessStream(src, kFrameSamples, kSampleRate, Layout::kMono, kSampleRate,
                            Layout::kMono, dst) != webrtc::AudioProcessing::kNoError)
      return loud;  // cannot happen with fixed 10 ms mono frames; fall back to the gate
    return loud && apm_->voice_detection()->stream_has_voice();
  }

  void SetThreshold(double threshold) override {
    threshold = std::clamp(threshold, 0.0, 1.0);
    gate_dbfs_ = WebRtcVad::kGateFloorDbfs + threshold * WebRtcVad::kGateSpanDbfs;
    apm_->voice_detection()->set_likelihood(LikelihoodFor(threshold));
  }

 private:
  std::unique_ptr<webrtc::AudioProcessing> apm_;
  double gate_dbfs_ = 0;
  std::array<float, kFrameSamples> in_{}, out_{};
};

}  // namespace

std::unique_ptr<VadStream> WebRtcVad::NewStream(double threshold) const {
  return std::make_unique<WebRtcVadStream>(threshold);
}

void VadConfig::Validate() const {
  if (engine != "webrtc")
    throw Error(ErrorKind::kInvalidInput, "bad_config",
                "realtime.vad_engine: unknown engine \"" + engine + "\" (allowed: webrtc)");
}

std::string VadConfig::ToString() const { return "VadConfig(engine=\"" + engine + "\")"; }

std::unique_ptr<Vad> CreateVad(const VadConfig& config) {
  config.Validate();
  return std::make_unique<WebRtcVad>();
}

}  // namespace mv
