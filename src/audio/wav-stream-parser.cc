#include "audio/wav-stream-parser.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.h"

namespace mv {
namespace {

constexpr std::size_t kMaxHeaderBytes = 1u << 20;  // fmt + LIST/JUNK chunks before "data"

uint32_t U32(std::string_view s, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

uint16_t U16(std::string_view s, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

[[noreturn]] void Bad(const std::string& why) {
  throw Error(ErrorKind::kUpstream, "bad_wav", "TTS server sent audio that is not WAV: " + why);
}

}  // namespace

WavStreamParser WavStreamParser::RawPcm16(int sample_rate) {
  WavStreamParser p;
  p.in_data_ = true;
  p.sample_rate_ = sample_rate;
  p.channels_ = 1;
  p.bits_ = 16;
  return p;
}

void WavStreamParser::Feed(std::string_view bytes, std::vector<float>* out) {
  if (in_data_ && data_size_ != 0 && data_left_ == 0) return;  // trailing chunks of a whole file
  pending_.append(bytes);
  if (!in_data_) {
    if (!ParseHeader()) {
      if (pending_.size() > kMaxHeaderBytes) Bad("no data chunk in the first 1 MiB");
      return;
    }
  }
  Decode(out);
}

void WavStreamParser::Finish() const {
  if (!in_data_) Bad(pending_.empty() ? "the body was empty" : "the header was cut short");
}

bool WavStreamParser::ParseHeader() {
  const std::string_view s = pending_;
  if (s.size() < 12) {
    // Fail early on what is plainly something else (a JSON error body).
    const std::size_t n = std::min<std::size_t>(4, s.size());
    if (s.substr(0, n) != std::string_view("RIFF").substr(0, n))
      Bad("it starts with '" + std::string(s) + "'");
    return false;
  }
  if (s.substr(0, 4) != "RIFF" || s.substr(8, 4) != "WAVE")
    Bad("it starts with '" + std::string(s.substr(0, 16)) + "'");
  bool have_fmt = false;
  std::size_t at = 12;
  for (;;) {
    if (s.size() < at + 8) return false;
    const std::string_view id = s.substr(at, 4);
    const uint32_t size = U32(s, at + 4);
    const std::size_t body = at + 8;
    if (id == "data") {
      if (!have_fmt) Bad("a data chunk before the fmt chunk");
      // 0 (GPT-SoVITS, XTTS streaming) and 0xFFFFFFFF (ffmpeg pipes): unknown length.
      data_size_ = size == 0xFFFFFFFFu ? 0 : size;
      data_left_ = data_size_;
      pending_.erase(0, body);
      in_data_ = true;
      return true;
    }
    if (size > kMaxHeaderBytes)
      Bad("a " + std::string(id) + " chunk of " + std::to_string(size) + " bytes");
    const std::size_t next = body + size + (size & 1);
    if (id == "fmt ") {
      if (size < 16) Bad("a fmt chunk of " + std::to_string(size) + " bytes");
      if (s.size() < body + size) return false;
      uint16_t format = U16(s, body);
      channels_ = U16(s, body + 2);
      sample_rate_ = static_cast<int>(U32(s, body + 4));
      bits_ = U16(s, body + 14);
      if (format == 0xFFFE && size >= 40) format = U16(s, body + 24);  // WAVE_FORMAT_EXTENSIBLE
      float_ = format == 3;
      if (format != 1 && format != 3) Bad("format tag " + std::to_string(format) + " (not PCM)");
      if (channels_ < 1 || channels_ > 16) Bad(std::to_string(channels_) + " channels");
      if (sample_rate_ < 1000 || sample_rate_ > 384000)
        Bad("a sample rate of " + std::to_string(sample_rate_) + " Hz");
      if (float_ ? bits_ != 32 : (bits_ != 16 && bits_ != 24 && bits_ != 32))
        Bad(std::to_string(bits_) + "-bit " + (float_ ? "float" : "PCM") + " samples");
      have_fmt = true;
    }
    if (s.size() < next) return false;
    at = next;
  }
}

void WavStreamParser::Decode(std::vector<float>* out) {
  const std::size_t width = static_cast<std::size_t>(bits_ / 8);
  const std::size_t frame = width * static_cast<std::size_t>(channels_);
  std::size_t usable = pending_.size();
  if (data_size_ != 0) usable = static_cast<std::size_t>(std::min<uint64_t>(usable, data_left_));
  const std::size_t frames = usable / frame;
  const auto* p = reinterpret_cast<const unsigned char*>(pending_.data());
  out->reserve(out->size() + frames);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0;
    for (int c = 0; c < channels_; ++c, p += width) {
      if (float_) {
        float v;
        std::memcpy(&v, p, 4);
        sum += std::isfinite(v) ? v : 0.0f;
      } else if (width == 2) {
        sum += static_cast<int16_t>(p[0] | (p[1] << 8)) / 32768.0f;
      } else if (width == 3) {
        int32_t v =
            static_cast<int32_t>((p[0] << 8) | (p[1] << 16) | (static_cast<uint32_t>(p[2]) << 24));
        sum += static_cast<float>(v / 2147483648.0);
      } else {
        int32_t v = static_cast<int32_t>(p[0] | (p[1] << 8) | (p[2] << 16) |
                                         (static_cast<uint32_t>(p[3]) << 24));
        sum += static_cast<float>(v / 2147483648.0);
      }
    }
    out->push_back(sum / static_cast<float>(channels_));
  }
  const std::size_t used = frames * frame;
  if (data_size_ != 0) data_left_ -= used;
  if (data_size_ != 0 && data_left_ < frame) {
    pending_.clear();  // the data chunk is complete; what follows is not audio
    data_left_ = 0;
    return;
  }
  pending_.erase(0, used);
}

}  // namespace mv
