#include <cstdint>
#include <cstring>
#include <string>

#include "audio/audio-decoder.h"
#include "common/error.h"
#include "fuzz-target.h"

// The WAV header path of every upload: the fuzzer's bytes become the
// fields of a RIFF/WAVE header (rate, channels, bits, format tag, declared
// data size) followed by samples, decoded to 16 kHz as the routes do. Rates
// from 1 Hz to 4 GHz, 1-sample files and lying sizes must end in mv::Error
// or audio, never in a crash or an unbounded allocation.
namespace {

void Le16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void Le32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint32_t Take32(const uint8_t*& p, size_t& n) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4 && n > 0; ++i, ++p, --n) v |= static_cast<std::uint32_t>(*p) << (8 * i);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 12) return 0;
  const uint8_t* p = data;
  size_t n = size;
  const std::uint32_t rate = Take32(p, n);
  const std::uint32_t shape = Take32(p, n);  // channels, bits, tag choice
  const std::uint32_t declared = Take32(p, n);
  const std::uint16_t channels = 1 + (shape & 0x7);
  static const std::uint16_t kBits[] = {8, 16, 24, 32};
  const std::uint16_t bits = kBits[(shape >> 3) & 3];
  const std::uint16_t tag = (shape >> 5) & 1 ? 3 : 1;  // float or PCM
  const std::uint16_t align = static_cast<std::uint16_t>(channels * bits / 8);
  std::string wav = "RIFF";
  Le32(wav, static_cast<std::uint32_t>(36 + n));
  wav += "WAVEfmt ";
  Le32(wav, 16);
  Le16(wav, tag);
  Le16(wav, channels);
  Le32(wav, rate);
  Le32(wav, rate * align);
  Le16(wav, align);
  Le16(wav, bits);
  wav += "data";
  Le32(wav, (shape >> 6) & 1 ? declared : static_cast<std::uint32_t>(n));
  wav.append(reinterpret_cast<const char*>(p), n);
  mv::AudioConfig limits;
  limits.max_seconds = 30;
  try {
    const mv::AudioBuffer audio = mv::DecodeAudio(wav, limits, 16000);
    if (audio.sample_rate != 16000) std::abort();
    if (audio.samples.size() > 31u * 16000) std::abort();  // the duration limit held
  } catch (const mv::Error&) {
  }
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  auto seed = [](std::uint32_t rate, std::uint32_t shape, std::uint32_t declared,
                 std::size_t samples) {
    std::string s;
    Le32(s, rate);
    Le32(s, shape);
    Le32(s, declared);
    for (std::size_t i = 0; i < samples; ++i) Le16(s, static_cast<std::uint16_t>(i * 977));
    return s;
  };
  return {seed(48000, 8, 0, 1),                      // 1 sample at 48 kHz (was a crash)
          seed(0x7FFFFFFF, 8, 0, 23),                // absurd rate (was a crash)
          seed(16000, 8, 0, 1600),                   // plain 16-bit mono
          seed(1, 8, 0, 100),                        // 1 Hz
          seed(0xFFFFFFFF, 8 | 64, 0xFFFFFFF0, 50),  // 4 GHz, lying size
          seed(44100, 1 | 16, 0, 300),               // stereo 24-bit
          seed(8000, 32 | 24, 0, 200)};              // float
}
