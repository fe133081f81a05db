// Encodes mono float audio into the formats clients ask for. WAV and raw PCM
// are written by hand; the compressed formats go through libavcodec encoders
// and libavformat muxers writing to memory.
//
//   format      name(s) accepted by ParseAudioFormat   container / codec
//   kWav        wav                                    RIFF, PCM s16le mono
//   kPcm16      pcm, raw, pcm16, s16le                 none, s16le mono
//   kOggOpus    opus, ogg_opus                         Ogg / Opus (libopus)
//   kFlac       flac                                   FLAC, 16-bit
//   kMp3        mp3                                    MP3 (LAME)
//   kAac        aac, adts                              raw ADTS / AAC-LC
//   kM4a        m4a, mp4                               MP4 (M4A) / AAC-LC
//   kOggVorbis  ogg, vorbis, ogg_vorbis                Ogg / Vorbis
//   kWebmOpus   webm, webm_opus                        WebM / Opus
//
// kAac is ADTS because it streams and concatenates (it is what OpenAI's and
// GPT-SoVITS's "aac" return); kM4a is for players that want an MP4 file.
// Codecs with a fixed set of rates (Opus: 48/24/16/12/8 kHz; MP3; AAC) get
// the input resampled to the nearest supported rate at or above its own.
// Samples are clamped to [-1, 1].
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "audio/audio-buffer.h"

namespace mv {

enum class AudioFormat {
  kWav,
  kPcm16,
  kOggOpus,
  kFlac,
  kMp3,
  kAac,
  kM4a,
  kOggVorbis,
  kWebmOpus,
};

// Case-insensitive; throws mv::Error kInvalidInput "bad_audio_format".
AudioFormat ParseAudioFormat(std::string_view name);
// Canonical name ("wav", "pcm", "opus", ...), accepted by ParseAudioFormat.
const char* AudioFormatName(AudioFormat format);
// MIME type for a Content-Type header, e.g. "audio/wav".
std::string ContentType(AudioFormat format);
// File name extension without the dot, e.g. "m4a".
const char* FileExtension(AudioFormat format);

// The whole file. Throws mv::Error kInternal "encode_failed" if an encoder
// fails, kUnsupported if this FFmpeg build lacks the codec.
std::string EncodeAudio(const AudioBuffer& audio, AudioFormat format);

// 44-byte WAV header (PCM s16le mono) for a stream of unknown length: data
// size 0 and RIFF size 36, as GPT-SoVITS streams (PROTOCOLS.md B1).
std::string WavStreamHeader(int sample_rate);
// Raw s16le, clamped to [-1, 1].
std::string ToPcm16(const float* samples, std::size_t n);
// The reverse: s16le bytes -> samples in [-1, 1); a trailing odd byte is ignored.
std::vector<float> FromPcm16(std::string_view bytes);

}  // namespace mv
