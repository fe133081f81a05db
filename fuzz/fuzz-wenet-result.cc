// WeNet server messages (asr-wenet-result.h), nbest being JSON inside a JSON
// string: any bytes parse without throwing; a final result's best sentence
// and a failure's message survive being sent again.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "asr/asr-wenet-result.h"
#include "fuzz-target.h"

using nlohmann::json;
using Type = mv::WenetResult::Type;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view message(reinterpret_cast<const char*>(data), size);
  const std::optional<mv::WenetResult> r = mv::ParseWenetResult(message);
  if (!r) return 0;
  if ((r->type == Type::kOther || r->type == Type::kSpeechEnd) && !r->text.empty()) std::abort();
  json again;
  if (r->type == Type::kFinal) {
    const json nbest = json::array({{{"sentence", r->text}, {"word_pieces", json::array()}}});
    again = {{"status", "ok"}, {"type", "final_result"}, {"nbest", nbest.dump()}};
  } else if (r->type == Type::kFailed) {
    again = {{"status", "failed"}, {"message", r->text}};
  } else {
    return 0;
  }
  const std::optional<mv::WenetResult> back = mv::ParseWenetResult(again.dump());
  if (!back || back->type != r->type || back->text != r->text) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      R"({"status":"ok","type":"server_ready"})",
      R"({"status":"ok","type":"partial_result","nbest":"[{\"sentence\":\"hel\"}]"})",
      R"({"status":"ok","type":"final_result","nbest":"[{\"sentence\":\"hello world\",)"
      R"(\"word_pieces\":[{\"word\":\"hello\",\"start\":0,\"end\":400}]},{\"sentence\":\"yellow\"}]"})",
      R"({"status":"ok","type":"final_result","nbest":[{"sentence":"as an array"}]})",
      R"({"status":"ok","type":"final_result","nbest":"[]"})",
      R"({"status":"ok","type":"final_result","nbest":"not json"})",
      R"({"status":"ok","type":"speech_end"})",
      R"({"status":"failed","message":"decoder error"})",
      R"({"status":"failed"})",
      R"({"type":5,"status":null})",
  };
}
