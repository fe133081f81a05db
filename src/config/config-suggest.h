// "Did you mean ...?" for unknown config keys and environment variables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv {

// The candidate closest to `word` by edit distance (a swap of two letters
// counts as one edit, case is ignored) when close enough to be a typo;
// otherwise the one candidate whose last `separator`-separated part equals
// `word`'s (a key put in the wrong section); otherwise the one whose last
// part starts with `word`'s ("wav" -> "wav_path"); otherwise "".
std::string SuggestKey(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view separator = ".");

}  // namespace mv
