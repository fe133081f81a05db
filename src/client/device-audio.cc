#include "client/device-audio.h"

#include <portaudio.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/error.h"

namespace mv {
namespace {

constexpr std::size_t kMaxCapturedBuffers = 200;  // 2 s of 10 ms buffers

int Callback(const void* input, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
             PaStreamCallbackFlags, void* user) {
  static_cast<DeviceAudio*>(user)->OnBuffers(static_cast<const float*>(input),
                                             static_cast<float*>(output), frames);
  return paContinue;
}

[[noreturn]] void Fail(const std::string& what, PaError rc) {
  throw Error(ErrorKind::kUnavailable, "audio_device", what + ": " + Pa_GetErrorText(rc));
}

}  // namespace

DeviceAudio::DeviceAudio(const DeviceAudioOptions& options)
    : has_input_(options.input.has_value()), has_output_(options.output.has_value()) {
  if (!has_input_ && !has_output_)
    throw Error(ErrorKind::kInvalidInput, "no_device", "DeviceAudio needs a device");
  PaStreamParameters in{}, out{};
  if (has_input_) {
    in.device = options.input->index;
    in.channelCount = 1;
    in.sampleFormat = paFloat32;
    in.suggestedLatency = options.input->default_input_latency;
  }
  if (has_output_) {
    out.device = options.output->index;
    out.channelCount = 1;
    out.sampleFormat = paFloat32;
    out.suggestedLatency = options.output->default_output_latency;
  }
  PaStreamParameters* in_ptr = has_input_ ? &in : nullptr;
  PaStreamParameters* out_ptr = has_output_ ? &out : nullptr;
  // The echo canceller's rates first; else what the device likes.
  double device_default =
      has_input_ ? options.input->default_sample_rate : options.output->default_sample_rate;
  rate_ = 0;
  for (double rate : {48000.0, 16000.0, 32000.0, device_default}) {
    if (rate > 0 && Pa_IsFormatSupported(in_ptr, out_ptr, rate) == paFormatIsSupported) {
      rate_ = static_cast<int>(rate);
      break;
    }
  }
  if (rate_ == 0)
    throw Error(ErrorKind::kUnavailable, "audio_device",
                "the sound device supports none of 48, 32, 16 kHz or its default rate in mono");
  PaStream* stream = nullptr;
  PaError rc = Pa_OpenStream(&stream, in_ptr, out_ptr, rate_,
                             static_cast<unsigned long>(rate_ / 100), paClipOff, &Callback, this);
  if (rc != paNoError) Fail("cannot open the sound device", rc);
  stream_ = stream;
  if (has_input_ && has_output_ && options.echo_cancellation) {
    if (EchoCanceller::SupportsRate(rate_)) {
      aec_ = std::make_unique<EchoCanceller>(rate_);
      const PaStreamInfo* info = Pa_GetStreamInfo(stream);
      if (info)
        aec_->set_delay_ms(static_cast<int>((info->inputLatency + info->outputLatency) * 1000));
    } else {
      spdlog::warn("echo cancellation off: the device runs at {} Hz", rate_);
    }
  }
  if (has_output_) up_.emplace(kClientRate, rate_);
  if (has_input_) down_.emplace(rate_, kClientRate);
  rc = Pa_StartStream(stream);
  if (rc != paNoError) {
    Pa_CloseStream(stream);
    stream_ = nullptr;
    Fail("cannot start the sound device", rc);
  }
}

DeviceAudio::~DeviceAudio() {
  Stop();
  if (stream_) {
    Pa_StopStream(static_cast<PaStream*>(stream_));
    Pa_CloseStream(static_cast<PaStream*>(stream_));
  }
}

void DeviceAudio::OnBuffers(const float* in, float* out, unsigned long frames) {
  Captured captured;
  if (out) {
    unsigned long n = 0;
    {
      // Held only for deque copies elsewhere: never long enough to glitch.
      std::lock_guard lock(play_mutex_);
      n = std::min<unsigned long>(frames, playback_.size());
      std::copy_n(playback_.begin(), n, out);
      playback_.erase(playback_.begin(), playback_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    std::fill(out + n, out + frames, 0.0f);
    if (in) captured.played.assign(out, out + frames);
  }
  if (!in) return;
  captured.mic.assign(in, in + frames);
  {
    std::lock_guard lock(capture_mutex_);
    if (captured_.size() >= kMaxCapturedBuffers) captured_.pop_front();  // nobody reads
    captured_.push_back(std::move(captured));
  }
  capture_cv_.notify_one();
}

bool DeviceAudio::Read(std::vector<float>& chunk) {
  if (!has_input_) return false;
  const std::size_t chunk_samples = kClientRate / 50;  // 20 ms
  while (ready_.size() < chunk_samples) {
    Captured c;
    {
      std::unique_lock lock(capture_mutex_);
      capture_cv_.wait(lock, [this] { return stopped_ || !captured_.empty(); });
      if (stopped_) return false;
      c = std::move(captured_.front());
      captured_.pop_front();
    }
    if (aec_ && c.mic.size() == aec_->frame_samples()) {
      if (c.played.size() == c.mic.size()) aec_->AnalyzeFarEnd(c.played.data());
      aec_->ProcessNearEnd(c.mic.data());
    }
    std::vector<float> down = down_->Process(c.mic.data(), c.mic.size());
    ready_.insert(ready_.end(), down.begin(), down.end());
  }
  chunk.assign(ready_.begin(), ready_.begin() + chunk_samples);
  ready_.erase(ready_.begin(), ready_.begin() + chunk_samples);
  return true;
}

void DeviceAudio::Stop() {
  {
    std::lock_guard lock(capture_mutex_);
    stopped_ = true;
  }
  capture_cv_.notify_all();
}

void DeviceAudio::Play(const float* samples, std::size_t n) {
  if (!has_output_) return;
  std::vector<float> up;
  {
    std::lock_guard lock(resample_mutex_);
    up = up_->Process(samples, n);
  }
  std::lock_guard lock(play_mutex_);
  playback_.insert(playback_.end(), up.begin(), up.end());
}

void DeviceAudio::Flush() {
  std::lock_guard lock(play_mutex_);
  playback_.clear();
}

void DeviceAudio::Drain(const std::atomic<bool>& stop) {
  if (!has_output_) return;
  while (!stop) {
    {
      std::lock_guard lock(play_mutex_);
      if (playback_.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The device's own buffer still holds the last few milliseconds.
  const PaStreamInfo* info = stream_ ? Pa_GetStreamInfo(static_cast<PaStream*>(stream_)) : nullptr;
  if (info && !stop)
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<int>(info->outputLatency * 1000)));
}

}  // namespace mv
