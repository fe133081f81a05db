// One text message of the FunASR runtime server (PROTOCOLS.md B3), parsed
// apart from the connection so that it can be tested and fuzzed alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mv {

struct FunAsrResult {
  std::string mode;  // "offline", "online", "2pass-online", "2pass-offline" or "" (none)
  std::string text;  // "" when missing or not a string
};

// Any bytes: nullopt unless they are a JSON object. Never throws.
std::optional<FunAsrResult> ParseFunAsrResult(std::string_view message);

}  // namespace mv
