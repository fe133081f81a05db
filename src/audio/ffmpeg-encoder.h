// Internal: one mono buffer through a libavcodec encoder and a libavformat
// muxer into memory. EncodeAudio() picks the codec, muxer and bit rate.
#pragma once

#include <cstdint>
#include <string>

#include "audio/audio-buffer.h"

namespace mv {

struct FfmpegTarget {
  const char* muxer;          // libavformat short name: "ogg", "webm", "ipod", ...
  const char* codec;          // libavcodec encoder name: "libopus", "aac", ...
  std::int64_t bit_rate = 0;  // 0: the encoder's default (lossless, VBR)
};

// Resamples first when the codec cannot take the buffer's rate. Throws
// mv::Error kUnsupported without the encoder, kInternal if encoding fails.
std::string EncodeWithFfmpeg(const AudioBuffer& audio, const FfmpegTarget& target);

}  // namespace mv
