#include "asr/asr-wenet-result.h"

#include <nlohmann/json.hpp>

namespace mv {
namespace {

using nlohmann::json;

std::string StringField(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string BestSentence(const json& result) {
  auto it = result.find("nbest");
  if (it == result.end()) return {};
  json nbest = it->is_string() ? json::parse(it->get<std::string>(), nullptr, false) : *it;
  if (!nbest.is_array() || nbest.empty() || !nbest[0].is_object()) return {};
  return StringField(nbest[0], "sentence");
}

}  // namespace

std::optional<WenetResult> ParseWenetResult(std::string_view message) {
  const json j = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  WenetResult r;
  if (StringField(j, "status") == "failed") {
    r.type = WenetResult::Type::kFailed;
    r.text = StringField(j, "message");
    return r;
  }
  const std::string type = StringField(j, "type");
  if (type == "final_result") {
    r.type = WenetResult::Type::kFinal;
    r.text = BestSentence(j);
  } else if (type == "speech_end") {
    r.type = WenetResult::Type::kSpeechEnd;
  }
  return r;
}

}  // namespace mv
