#include "asr/asr-funasr-result.h"

#include <nlohmann/json.hpp>

namespace mv {
namespace {

using nlohmann::json;

std::string StringField(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<FunAsrResult> ParseFunAsrResult(std::string_view message) {
  const json j = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return FunAsrResult{StringField(j, "mode"), StringField(j, "text")};
}

}  // namespace mv
