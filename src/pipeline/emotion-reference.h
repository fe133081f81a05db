// Picks the reference voice for a segment's emotion tag from the config's
// extra_ref_audio map ([tag]"text" in the reply, see PROTOCOLS.md A1).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "tts/tts-config.h"

namespace mv {

// The entry for `emotion`: an exact key first, then one that differs only in
// ASCII case. nullptr (use the default voice) for "" and unknown tags. The
// pointer lives as long as the map.
const RefAudio* SelectReference(const std::map<std::string, RefAudio>& extra_ref_audio,
                                std::string_view emotion);

}  // namespace mv
