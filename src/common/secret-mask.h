// Printable forms of secrets, for logs and `mirrorvox config check`: enough
// to tell two keys apart, never enough to use one.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// "" stays "" (nothing to hide). Keys of 12+ characters keep a short vendor
// prefix up to the first '-' ("sk-") and their last 4 characters:
// "sk-…wxyz". Shorter ones become "****".
std::string MaskSecret(std::string_view secret);

// Hides the password of a URL's userinfo: "http://u:p@h/x" -> "http://u:****@h/x".
std::string MaskUrlCredentials(std::string_view url);

}  // namespace mv
