#include "voice/voice-meta.h"

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "voice/voice-name.h"

namespace mv {
namespace {

using nlohmann::json;

// Far beyond any real voice, small enough that rounding to milliseconds and
// casting stay exact.
constexpr double kMaxSeconds = 1e6;
constexpr int kMaxSampleRate = 1'000'000;
constexpr int64_t kMaxCreatedMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

[[noreturn]] void Bad(const std::string& why) {
  throw Error(ErrorKind::kInvalidInput, "bad_meta", "meta.json: " + why);
}

std::string Text(const json& j, const char* key, const char* fallback, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) Bad(std::string("no '") + key + "'");
    return fallback;
  }
  if (!it->is_string()) Bad(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

// A number in [0, max], taken as a double first so that no cast overflows.
double Number(const json& j, const char* key, double max, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) Bad(std::string("no '") + key + "'");
    return 0.0;
  }
  if (!it->is_number()) Bad(std::string("'") + key + "' is not a number");
  const double v = it->get<double>();
  if (!(v >= 0.0 && v <= max)) Bad(std::string("'") + key + "' is out of range");
  return v;
}

double Millis(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

}  // namespace

std::string VoiceIsoTime(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

json LibraryVoice::ToJson() const {
  return {{"id", id},
          {"name", name},
          {"transcript", transcript},
          {"duration", std::round(duration * 1000.0) / 1000.0},
          {"voiced_seconds", std::round(voiced_seconds * 1000.0) / 1000.0},
          {"created", created}};
}

std::string VoiceMetaText(const LibraryVoice& v) {
  json j = v.ToJson();
  j["transcript_source"] = v.transcript_source;
  j["sample_rate"] = v.sample_rate;
  j["source_seconds"] = v.source_seconds;
  j["reference_start"] = v.reference_start;
  j["created_ms"] = v.created_ms;
  j["version"] = 1;
  return j.dump(2) + "\n";
}

LibraryVoice ParseVoiceMeta(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) Bad("not JSON");
  if (!j.is_object()) Bad("not a JSON object");
  LibraryVoice v;
  v.id = Text(j, "id", "", true);
  if (!IsValidVoiceId(v.id)) Bad("'id' is not a voice id");
  v.name = Text(j, "name", "", true);
  v.transcript = Text(j, "transcript", "", false);
  v.transcript_source = Text(j, "transcript_source", "none", false);
  // What ToJson shows (rounded to ms) is what is kept: a second write reads the same.
  v.duration = Millis(Number(j, "duration", kMaxSeconds, true));
  v.sample_rate = static_cast<int>(Number(j, "sample_rate", kMaxSampleRate, false));
  v.voiced_seconds = Millis(Number(j, "voiced_seconds", kMaxSeconds, false));
  v.source_seconds = Number(j, "source_seconds", kMaxSeconds, false);
  v.reference_start = Number(j, "reference_start", kMaxSeconds, false);
  v.created_ms = static_cast<int64_t>(Number(j, "created_ms", static_cast<double>(kMaxCreatedMs), false));
  v.created = Text(j, "created", "", false);
  if (!j.contains("created")) v.created = VoiceIsoTime(v.created_ms);
  return v;
}

}  // namespace mv
