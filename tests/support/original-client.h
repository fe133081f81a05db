// The original GPT-SoVITS chat clients, run for real: python3 reads
// /api/chat and /api/asr exactly as both generations of the original client
// do (tests/support/original_client.py). A stream any other line shape,
// a JSON error body, or a non-done event without audio would crash that
// client; here it fails the call with the client's traceback.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mvtest {

struct OriginalClientResult {
  bool ok = false;     // the client read everything without an exception
  std::string error;   // its traceback otherwise
  nlohmann::json out;  // chat: {status, content_type, events, audio}; asr: {status, json, ...}

  const nlohmann::json& done() const { return out["events"].back(); }
  // Segment events (done false), in order.
  nlohmann::json segments() const;
};

// POST /api/chat with `body` (the client's JSON) and read the stream.
OriginalClientResult OriginalClientChat(int port, const std::string& body);
// POST /api/asr with the WAV file at `wav_path`, urlsafe base64 as they send it.
OriginalClientResult OriginalClientAsr(int port, const std::string& wav_path);

}  // namespace mvtest
