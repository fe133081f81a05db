#include "client/echo-canceller.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>

#include <string>

#include "common/error.h"

namespace mv {

bool EchoCanceller::SupportsRate(int sample_rate) {
  return sample_rate == 8000 || sample_rate == 16000 || sample_rate == 32000 ||
         sample_rate == 48000;
}

EchoCanceller::EchoCanceller(int sample_rate) : sample_rate_(sample_rate) {
  if (!SupportsRate(sample_rate))
    throw Error(ErrorKind::kInvalidInput, "bad_rate",
                "echo cancellation needs 8, 16, 32 or 48 kHz, got " + std::to_string(sample_rate));
  webrtc::Config config;
  // Delay-agnostic mode copes with device latencies PortAudio misreports.
  config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
  config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
  apm_.reset(webrtc::AudioProcessing::Create(config));
  if (!apm_) throw Error(ErrorKind::kInternal, "aec_failed", "cannot create the echo canceller");
  auto check = [](int rc, const char* what) {
    if (rc != webrtc::AudioProcessing::kNoError)
      throw Error(ErrorKind::kInternal, "aec_failed",
                  std::string("echo canceller setup failed (") + what + "): " + std::to_string(rc));
  };
  check(apm_->high_pass_filter()->Enable(true), "high-pass filter");
  check(apm_->echo_cancellation()->enable_drift_compensation(false), "drift");
  check(
      apm_->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression),
      "suppression level");
  check(apm_->echo_cancellation()->Enable(true), "echo cancellation");
  check(apm_->noise_suppression()->set_level(webrtc::NoiseSuppression::kModerate), "noise level");
  check(apm_->noise_suppression()->Enable(true), "noise suppression");
}

EchoCanceller::~EchoCanceller() = default;

void EchoCanceller::AnalyzeFarEnd(const float* frame) {
  webrtc::StreamConfig config(sample_rate_, 1);
  const float* src[1] = {frame};
  float copy_storage[480];  // 10 ms at 48 kHz; ProcessReverseStream wants an output
  float* dest[1] = {copy_storage};
  apm_->ProcessReverseStream(src, config, config, dest);
}

void EchoCanceller::ProcessNearEnd(float* frame) {
  webrtc::StreamConfig config(sample_rate_, 1);
  apm_->set_stream_delay_ms(delay_ms_);
  const float* src[1] = {frame};
  float* dest[1] = {frame};
  apm_->ProcessStream(src, config, config, dest);
}

}  // namespace mv
