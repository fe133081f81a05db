// Base64 in both alphabets. The original chat client sends urlsafe base64;
// browsers and curl users send the standard one, padded or not.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// Accepts '+/' and '-_', optional '=' padding, ASCII whitespace, and a
// "data:...;base64," prefix. Throws mv::Error kInvalidInput "bad_base64".
std::string Base64Decode(std::string_view text);
std::string Base64Encode(std::string_view bytes);         // '+/', padded
std::string Base64UrlEncode(std::string_view bytes);      // '-_', padded (as Python's)

}  // namespace mv
