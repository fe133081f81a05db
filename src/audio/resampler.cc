#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <string>
#include <utility>

#include "common/error.h"

namespace mv {
namespace {

// Beyond this soxr's filter design takes seconds and gigabytes; no real
// audio comes near it (decoders refuse far lower rates first).
constexpr int kMaxRate = 1'536'000;

void CheckRate(int rate, const char* what) {
  if (rate <= 0 || rate > kMaxRate) {
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate",
                std::string(what) + " sample rate must be 1-" + std::to_string(kMaxRate) +
                    " Hz, got " + std::to_string(rate));
  }
}

soxr_quality_spec_t Quality() { return soxr_quality_spec(SOXR_HQ, 0); }

}  // namespace

AudioBuffer Resample(const AudioBuffer& in, int target_rate) {
  CheckRate(in.sample_rate, "input");
  CheckRate(target_rate, "target");
  if (in.sample_rate == target_rate) return in;
  AudioBuffer out;
  out.sample_rate = target_rate;
  if (in.samples.empty()) return out;

  const double ratio = static_cast<double>(target_rate) / in.sample_rate;
  // Never an empty buffer: soxr writes through the pointer it is given even
  // when the rounded output length is 0 (a 1-sample file at 48 kHz).
  out.samples.resize(static_cast<std::size_t>(std::ceil(in.samples.size() * ratio)) + 16);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = Quality();
  std::size_t produced = 0;
  soxr_error_t err =
      soxr_oneshot(in.sample_rate, target_rate, 1, in.samples.data(), in.samples.size(), nullptr,
                   out.samples.data(), out.samples.size(), &produced, &io, &quality, nullptr);
  if (err) throw Error(ErrorKind::kInternal, "resample_failed", std::string("soxr: ") + err);
  out.samples.resize(produced);
  return out;
}

Resampler::Resampler(int input_rate, int output_rate)
    : input_rate_(input_rate), output_rate_(output_rate) {
  CheckRate(input_rate, "input");
  CheckRate(output_rate, "output");
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = Quality();
  soxr_error_t err = nullptr;
  soxr_ = soxr_create(input_rate, output_rate, 1, &err, &io, &quality, nullptr);
  if (err || !soxr_) {
    throw Error(ErrorKind::kInternal, "resample_failed",
                std::string("soxr_create: ") + (err ? err : "failed"));
  }
}

Resampler::~Resampler() {
  if (soxr_) soxr_delete(static_cast<soxr_t>(soxr_));
}

Resampler::Resampler(Resampler&& other) noexcept
    : input_rate_(other.input_rate_),
      output_rate_(other.output_rate_),
      soxr_(std::exchange(other.soxr_, nullptr)) {}

Resampler& Resampler::operator=(Resampler&& other) noexcept {
  if (this != &other) {
    if (soxr_) soxr_delete(static_cast<soxr_t>(soxr_));
    input_rate_ = other.input_rate_;
    output_rate_ = other.output_rate_;
    soxr_ = std::exchange(other.soxr_, nullptr);
  }
  return *this;
}

std::vector<float> Resampler::Process(const float* samples, std::size_t n) {
  if (n == 0) return {};
  return Run(samples, n);
}

std::vector<float> Resampler::Flush() { return Run(nullptr, 0); }

// soxr treats a null input as end-of-stream, so Flush() is Run(nullptr, 0).
std::vector<float> Resampler::Run(const float* samples, std::size_t n) {
  if (!soxr_) throw Error(ErrorKind::kInternal, "resample_failed", "Resampler used after move");
  auto* soxr = static_cast<soxr_t>(soxr_);
  const double ratio = static_cast<double>(output_rate_) / input_rate_;
  std::vector<float> out;
  // Room for this chunk plus the filter's backlog; loop if soxr has more.
  const std::size_t step = static_cast<std::size_t>(n * ratio) + 1024;
  std::size_t consumed = 0;
  for (;;) {
    const std::size_t old_size = out.size();
    out.resize(old_size + step);
    std::size_t idone = 0;
    std::size_t odone = 0;
    const float* in = samples ? samples + consumed : nullptr;
    soxr_error_t err = soxr_process(soxr, in, samples ? n - consumed : 0, &idone,
                                    out.data() + old_size, step, &odone);
    if (err) throw Error(ErrorKind::kInternal, "resample_failed", std::string("soxr: ") + err);
    consumed += idone;
    out.resize(old_size + odone);
    // Feeding: done once all input is taken and soxr had room to spare.
    // Flushing: soxr wants calls until it returns nothing.
    if (samples ? (consumed == n && odone < step) : odone == 0) break;
  }
  return out;
}

}  // namespace mv
