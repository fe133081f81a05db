// Names and ids of library voices. The id is a folder name on disk and a URL
// path segment, so it is held to a strict ASCII alphabet: nothing can climb
// out of the library ("..", "/"), hide (a leading dot), collide on
// case-insensitive file systems, or be a Windows device name. Names are what
// people typed; the id is derived from them.
//
//   name: 1-64 ASCII letters, digits, spaces, '_' or '-', starting and ending
//         with a letter or digit ("Alice", "Grandpa Joe", "voice_2")
//   id:   the name lower-cased with spaces as '_' ("alice", "grandpa_joe");
//         [a-z0-9][a-z0-9_-]{0,63}
//   reserved: "mirror" and "default" (request values of `voice`), and con,
//         prn, aux, nul, com1-9, lpt1-9.
//
// Non-ASCII names are refused outright rather than normalised: look-alike
// letters and direction overrides would give ids that read as another voice.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// Throws mv::Error kInvalidInput "bad_voice_name" saying what is wrong.
std::string VoiceIdFromName(std::string_view name);
// Throws mv::Error kInvalidInput "bad_voice_id".
void ValidateVoiceId(std::string_view id);
bool IsValidVoiceId(std::string_view id);

}  // namespace mv
