// meta.json of a library voice (<dir>/<id>/meta.json): written at
// enrolment, read back at every start. It is a file on disk that anyone may
// have edited, so reading it checks every field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "voice/voice-library.h"

namespace mv {

// The file's text (pretty JSON and a newline). wav_path is not stored.
std::string VoiceMetaText(const LibraryVoice& v);

// Any bytes -> the voice they describe (wav_path empty). Throws mv::Error
// kInvalidInput "bad_meta" (and nothing else) when they are not JSON, a field
// has the wrong type, the id is not a valid voice id, or a number is out of
// range; whatever it accepts, VoiceMetaText writes back so that it reads the
// same.
LibraryVoice ParseVoiceMeta(std::string_view text);

// ms since the epoch -> "2026-01-31T12:00:00Z".
std::string VoiceIsoTime(int64_t ms);

}  // namespace mv
