#include <cstdlib>
#include <string>

#include "audio/audio-encoder.h"
#include "audio/wav-stream-parser.h"
#include "common/error.h"
#include "fuzz-target.h"

// Feeds the input in pieces whose sizes come from its first byte: whatever
// the split, the same samples must come out.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 61;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<float> whole, pieces;
  bool whole_ok = true, pieces_ok = true;
  try {
    mv::WavStreamParser p;
    p.Feed(bytes, &whole);
    p.Finish();
  } catch (const mv::Error&) {
    whole_ok = false;
  }
  try {
    mv::WavStreamParser p;
    for (std::size_t at = 0; at < bytes.size(); at += piece)
      p.Feed(bytes.substr(at, piece), &pieces);
    p.Finish();
  } catch (const mv::Error&) {
    pieces_ok = false;
  }
  if (whole_ok && pieces_ok && whole.size() != pieces.size()) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  const std::vector<float> tone = {0.1f, -0.2f, 0.3f, 0.25f, -0.5f};
  const std::string pcm = mv::ToPcm16(tone.data(), tone.size());
  return {"\x07" + mv::WavStreamHeader(32000) + pcm,
          "\x02" + mv::EncodeAudio(mv::AudioBuffer{tone, 24000}, mv::AudioFormat::kWav),
          std::string("\x05RIFF\x24\0\0\0WAVEfmt ", 17), "\x01{\"detail\":\"Not Found\"}"};
}
