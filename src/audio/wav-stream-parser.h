// Incremental reader of the audio TTS servers stream back: a RIFF/WAVE
// header (GPT-SoVITS and XTTS send data size 0 because the length is not
// known yet; a whole file has the real size), then PCM in pieces cut at any
// byte, odd splits inside a sample included. Or headerless s16le ("raw",
// OpenAI's "pcm") at a rate the caller knows. PCM s16, s24, s32 and float32,
// any channel count (mixed down to mono).
//
// Not thread-safe: one parser per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

class WavStreamParser {
 public:
  // Expects a RIFF header first.
  WavStreamParser() = default;
  // Headerless mono s16le at `sample_rate`.
  static WavStreamParser RawPcm16(int sample_rate);

  // Appends mono samples decoded from `bytes` to `out` (maybe none yet).
  // Throws mv::Error kUpstream "bad_wav" when the bytes are not a WAV
  // stream this reads.
  void Feed(std::string_view bytes, std::vector<float>* out);
  // The stream ended: throws kUpstream "bad_wav" if not even the header
  // arrived. A trailing partial sample is dropped.
  void Finish() const;

  bool header_done() const { return in_data_; }
  int sample_rate() const { return sample_rate_; }  // 0 until the header is read
  int channels() const { return channels_; }
  // Bytes of the data chunk the header announced; 0 = unknown (streaming).
  uint64_t data_size() const { return data_size_; }

 private:
  bool ParseHeader();  // true once the data chunk starts
  void Decode(std::vector<float>* out);

  std::string pending_;  // header bytes, or a partial frame
  bool in_data_ = false;
  int sample_rate_ = 0;
  int channels_ = 0;
  int bits_ = 0;
  bool float_ = false;
  uint64_t data_size_ = 0;
  uint64_t data_left_ = 0;  // when data_size_ is known
};

}  // namespace mv
