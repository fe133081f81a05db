#include "audio/audio-encoder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>

#include "audio/ffmpeg-encoder.h"
#include "common/error.h"

namespace mv {
namespace {

struct FormatInfo {
  AudioFormat format;
  const char* name;  // canonical, first in ParseAudioFormat's list
  const char* content_type;
  const char* extension;
};

constexpr FormatInfo kFormats[] = {
    {AudioFormat::kWav, "wav", "audio/wav", "wav"},
    {AudioFormat::kPcm16, "pcm", "audio/pcm", "pcm"},
    {AudioFormat::kOggOpus, "opus", "audio/ogg", "opus"},
    {AudioFormat::kFlac, "flac", "audio/flac", "flac"},
    {AudioFormat::kMp3, "mp3", "audio/mpeg", "mp3"},
    {AudioFormat::kAac, "aac", "audio/aac", "aac"},
    {AudioFormat::kM4a, "m4a", "audio/mp4", "m4a"},
    {AudioFormat::kOggVorbis, "ogg", "audio/ogg", "ogg"},
    {AudioFormat::kWebmOpus, "webm", "audio/webm", "webm"},
};

struct Alias {
  const char* name;
  AudioFormat format;
};

constexpr Alias kAliases[] = {
    {"raw", AudioFormat::kPcm16},          {"pcm16", AudioFormat::kPcm16},
    {"s16le", AudioFormat::kPcm16},        {"ogg_opus", AudioFormat::kOggOpus},
    {"adts", AudioFormat::kAac},           {"mp4", AudioFormat::kM4a},
    {"vorbis", AudioFormat::kOggVorbis},   {"ogg_vorbis", AudioFormat::kOggVorbis},
    {"webm_opus", AudioFormat::kWebmOpus},
};

const FormatInfo& Info(AudioFormat format) {
  for (const auto& info : kFormats) {
    if (info.format == format) return info;
  }
  throw Error(ErrorKind::kInternal, "bad_audio_format", "unknown AudioFormat value");
}

void PutLe16(std::string* out, std::uint16_t v) {
  out->push_back(static_cast<char>(v & 0xff));
  out->push_back(static_cast<char>(v >> 8));
}

void PutLe32(std::string* out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string WavHeader(int sample_rate, std::uint32_t data_bytes, std::uint32_t riff_size) {
  std::string h;
  h.reserve(44);
  h += "RIFF";
  PutLe32(&h, riff_size);
  h += "WAVEfmt ";
  PutLe32(&h, 16);  // fmt chunk size
  PutLe16(&h, 1);   // PCM
  PutLe16(&h, 1);   // mono
  PutLe32(&h, static_cast<std::uint32_t>(sample_rate));
  PutLe32(&h, static_cast<std::uint32_t>(sample_rate) * 2);  // byte rate
  PutLe16(&h, 2);                                            // block align
  PutLe16(&h, 16);                                           // bits per sample
  h += "data";
  PutLe32(&h, data_bytes);
  return h;
}

void CheckRate(int sample_rate) {
  if (sample_rate <= 0) {
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate",
                "sample rate must be > 0, got " + std::to_string(sample_rate));
  }
}

std::string EncodeWav(const AudioBuffer& audio) {
  const std::size_t data_bytes = audio.samples.size() * 2;
  // RIFF sizes are 32-bit: about 18 hours at 16 kHz.
  if (data_bytes > 0xFFFFFFFFu - 36) {
    throw Error(ErrorKind::kTooLarge, "too_long", "audio too long for a WAV file");
  }
  const auto size = static_cast<std::uint32_t>(data_bytes);
  std::string out = WavHeader(audio.sample_rate, size, 36 + size);
  out += ToPcm16(audio.samples.data(), audio.samples.size());
  return out;
}

}  // namespace

AudioFormat ParseAudioFormat(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& info : kFormats) {
    if (lower == info.name) return info.format;
  }
  for (const auto& alias : kAliases) {
    if (lower == alias.name) return alias.format;
  }
  std::string known;
  for (const auto& info : kFormats) known += std::string(known.empty() ? "" : ", ") + info.name;
  throw Error(ErrorKind::kInvalidInput, "bad_audio_format",
              "unknown audio format '" + std::string(name) + "' (expected one of: " + known + ")");
}

const char* AudioFormatName(AudioFormat format) { return Info(format).name; }

std::string ContentType(AudioFormat format) { return Info(format).content_type; }

const char* FileExtension(AudioFormat format) { return Info(format).extension; }

std::string EncodeAudio(const AudioBuffer& audio, AudioFormat format) {
  CheckRate(audio.sample_rate);
  switch (format) {
    case AudioFormat::kWav:
      return EncodeWav(audio);
    case AudioFormat::kPcm16:
      return ToPcm16(audio.samples.data(), audio.samples.size());
    case AudioFormat::kOggOpus:
      return EncodeWithFfmpeg(audio, {"ogg", "libopus", 32000});
    case AudioFormat::kFlac:
      return EncodeWithFfmpeg(audio, {"flac", "flac", 0});
    case AudioFormat::kMp3:
      return EncodeWithFfmpeg(audio, {"mp3", "libmp3lame", 64000});
    case AudioFormat::kAac:
      return EncodeWithFfmpeg(audio, {"adts", "aac", 64000});
    case AudioFormat::kM4a:
      return EncodeWithFfmpeg(audio, {"ipod", "aac", 64000});
    case AudioFormat::kOggVorbis:
      return EncodeWithFfmpeg(audio, {"ogg", "libvorbis", 64000});
    case AudioFormat::kWebmOpus:
      return EncodeWithFfmpeg(audio, {"webm", "libopus", 32000});
  }
  throw Error(ErrorKind::kInternal, "bad_audio_format", "unknown AudioFormat value");
}

std::string WavStreamHeader(int sample_rate) {
  CheckRate(sample_rate);
  return WavHeader(sample_rate, 0, 36);
}

std::string ToPcm16(const float* samples, std::size_t n) {
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    const float x = samples[i];
    // NaN fails both comparisons and becomes silence.
    const float clamped = x > 1.0f ? 1.0f : (x < -1.0f ? -1.0f : (x == x ? x : 0.0f));
    const auto v = static_cast<std::int16_t>(std::lrint(clamped * 32767.0f));
    const auto u = static_cast<std::uint16_t>(v);
    out[2 * i] = static_cast<char>(u & 0xff);
    out[2 * i + 1] = static_cast<char>(u >> 8);
  }
  return out;
}

std::vector<float> FromPcm16(std::string_view bytes) {
  std::vector<float> out(bytes.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto lo = static_cast<std::uint8_t>(bytes[2 * i]);
    const auto hi = static_cast<std::uint8_t>(bytes[2 * i + 1]);
    out[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8))) / 32768.0f;
  }
  return out;
}

}  // namespace mv
