// Builds a TtsRequest without naming every field (TtsRequest grows; brace
// initialisation would warn about the fields left out).
#pragma once

#include <string>
#include <utility>

#include "tts/tts.h"

namespace mv::test {

inline TtsRequest Req(std::string text, std::string language = "", std::string voice = "") {
  TtsRequest request;
  request.text = std::move(text);
  request.language = std::move(language);
  request.voice = std::move(voice);
  return request;
}

}  // namespace mv::test
