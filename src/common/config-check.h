// Shared checks for the Validate() of every config struct, so each message
// names the key, what is allowed and what was given, the same way.
#pragma once

#include <string>

namespace mv {

// Throws mv::Error kInvalidInput "bad_config" with `message`.
[[noreturn]] void ConfigInvalid(const std::string& message);
// "<key>: must be between <min> and <max>, got <value>".
void CheckConfigRange(const std::string& key, long long value, long long min, long long max);
// An http:// or https:// URL (ws:// and wss:// too when `websocket`) with a
// host and no white space; messages never show a password in it.
void CheckConfigUrl(const std::string& key, const std::string& url, bool websocket = false);

}  // namespace mv
