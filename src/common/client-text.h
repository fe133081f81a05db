// Text that came from a client (or from anywhere we do not control), made
// safe to quote in a message that goes back out: valid UTF-8 only, no
// control characters, bounded length. Whatever is dropped shows as \xHH, so
// the caller still sees which byte was wrong.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mv {

class Error;

std::string QuotableText(std::string_view text, std::size_t max_chars = 80);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

// The kinds whose message describes the server's insides (timeouts,
// unavailable or failing upstreams, internal errors).
bool IsServerSide(const Error& e);
// What a client may be told of `e`: our own words for its mistakes (quoted
// input made safe), a short fixed sentence for the server's own failures,
// whose details (upstream URLs, socket errors, library text) stay in the log.
std::string ClientMessage(const Error& e);

}  // namespace mv
