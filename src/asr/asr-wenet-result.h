// One text message of the WeNet runtime server (PROTOCOLS.md), parsed apart
// from the connection so that it can be tested and fuzzed alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mv {

struct WenetResult {
  enum class Type {
    kOther,        // partial_result, server_ready, anything else
    kFailed,       // {"status": "failed", "message": ...}
    kFinal,        // final_result: `text` is its best sentence
    kSpeechEnd,    // speech_end: the answer is complete
  };
  Type type = Type::kOther;
  std::string text;  // kFinal: the best sentence; kFailed: the server's message ("" if none)
};

// Any bytes: nullopt unless they are a JSON object. Never throws. nbest is
// a JSON string holding the array; an array as such is taken too.
std::optional<WenetResult> ParseWenetResult(std::string_view message);

}  // namespace mv
