// What the recognition-server doubles answer by default: the audio they
// received, transcribed with the embedded pocketsphinx engine. A test that
// speaks a sentence with flite and gets it back proves the audio crossed
// the wire intact (format, rate, byte order, framing).
#pragma once

#include <string>
#include <string_view>

namespace mvtest {

// s16le mono 16 kHz PCM, as FunASR and WeNet receive it.
std::string TranscribePcm16(std::string_view pcm);
// An audio file (WAV, or anything mv::DecodeAudio reads), as the HTTP
// servers receive it. Throws mv::Error when it is not audio.
std::string TranscribeFile(std::string_view bytes);

}  // namespace mvtest
