// Decodes an uploaded audio file held in memory, whatever its format: WAV
// (8/16/24/32-bit int, float), FLAC, MP3, Ogg Vorbis/Opus, WebM/Matroska
// Opus, M4A/MP4 AAC, raw ADTS AAC, AIFF, CAF. FFmpeg's demuxers read the bytes
// through a memory AVIOContext: no temporary files, no other URL is ever
// opened, FFmpeg's log stays quiet.
//
// Errors (mv::Error, kind / code):
//   kInvalidInput / "empty_audio"  no bytes, or a valid file with no samples
//   kInvalidInput / "not_audio"    not a recognised audio container
//   kInvalidInput / "truncated"    a known container whose header or first
//                                  frames are cut off (a file cut later in its
//                                  data decodes up to the cut instead)
//   kUnsupported  / "unsupported_codec"  a container whose codec we lack
//   kTooLarge     / "too_large"    more than limits.max_bytes (checked first)
//   kTooLarge     / "too_long"     more than limits.max_seconds once decoded;
//                                  decoding stops at the limit
//   kInvalidInput / "unsupported_sample_rate"  a rate outside
//                                  limits.min/max_sample_rate (checked on the
//                                  header, before any sample is decoded)
#pragma once

#include <string_view>

#include "audio/audio-buffer.h"
#include "audio/audio-config.h"

namespace mv {

// Returns mono float samples at `target_rate` (0 = the file's own rate);
// channels are averaged. Resampling happens frame by frame while decoding,
// so memory stays proportional to the output, not to the file's rate.
// Thread-safe (no shared state besides FFmpeg's log level).
AudioBuffer DecodeAudio(std::string_view bytes, const AudioConfig& limits = {},
                        int target_rate = 0);

}  // namespace mv
