// FunASR server messages (asr-funasr-result.h): any bytes parse without
// throwing, and an object's string mode and text come back as they were.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "asr/asr-funasr-result.h"
#include "fuzz-target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view message(reinterpret_cast<const char*>(data), size);
  const std::optional<mv::FunAsrResult> r = mv::ParseFunAsrResult(message);
  if (!r) return 0;
  // Re-sent as the server would send them, they read the same.
  const nlohmann::json again = {{"mode", r->mode}, {"text", r->text}, {"is_final", true}};
  const std::optional<mv::FunAsrResult> back = mv::ParseFunAsrResult(again.dump());
  if (!back || back->mode != r->mode || back->text != r->text) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      R"({"is_final":false,"mode":"2pass-online","text":"hello","wav_name":"mirrorvox-1"})",
      R"({"is_final":true,"mode":"2pass-offline","text":"Hello world.","wav_name":"mirrorvox-1",)"
      R"("timestamp":"[[100,340],[340,600]]","stamp_sents":[{"text_seg":"hello world",)"
      R"("punc":".","start":100,"end":600,"ts_list":[[100,340],[340,600]]}]})",
      R"({"mode":"offline","text":"\u4f60\u597d\u3002","wav_name":"w","is_final":true})",
      R"({"mode":"online","text":"par","wav_name":"w","is_final":false})",
      R"({"is_final":true,"text":"","wav_name":"w"})",
      R"({"mode":7,"text":["x"]})",
      R"([{"mode":"offline"}])",
      "not json",
  };
}
