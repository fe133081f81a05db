#include "pipeline/turn-timing.h"

#include <nlohmann/json.hpp>

#include "common/metrics.h"

namespace mv {

TurnTiming::TurnTiming() : start_(Clock::now()) {
  for (auto& v : ns_) v.store(-1);
  ns_[0].store(0);
}

void TurnTiming::Mark(Stage stage) {
  int64_t expected = -1;
  int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  ns_[static_cast<size_t>(stage)].compare_exchange_strong(expected, now);
}

bool TurnTiming::Has(Stage stage) const { return ns_[static_cast<size_t>(stage)].load() >= 0; }

double TurnTiming::MillisAt(Stage stage) const {
  int64_t v = ns_[static_cast<size_t>(stage)].load();
  return v < 0 ? -1.0 : static_cast<double>(v) / 1e6;
}

void TurnTiming::AddToolTime(double ms) {
  if (ms > 0) tool_ns_.fetch_add(static_cast<int64_t>(ms * 1e6));
}

double TurnTiming::tool_ms() const { return static_cast<double>(tool_ns_.load()) / 1e6; }

const char* TurnTiming::Name(Stage stage) {
  switch (stage) {
    case Stage::kRequestReceived: return "request_received";
    case Stage::kAsrDone: return "asr_done";
    case Stage::kLlmFirstToken: return "llm_first_token";
    case Stage::kFirstSegmentReady: return "first_segment_ready";
    case Stage::kFirstTtsAudio: return "first_tts_audio";
    case Stage::kFirstByteSent: return "first_byte_sent";
    case Stage::kDone: return "done";
    case Stage::kCount: break;
  }
  return "?";
}

nlohmann::json TurnTiming::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < static_cast<size_t>(Stage::kCount); ++i) {
    double ms = MillisAt(static_cast<Stage>(i));
    if (ms >= 0) j[std::string(Name(static_cast<Stage>(i))) + "_ms"] = std::round(ms * 10) / 10;
  }
  if (tool_ms() > 0) j["tools_ms"] = std::round(tool_ms() * 10) / 10;
  return j;
}

std::string TurnTiming::LogLine() const {
  std::string out;
  for (size_t i = 1; i < static_cast<size_t>(Stage::kCount); ++i) {
    double ms = MillisAt(static_cast<Stage>(i));
    if (ms < 0) continue;
    if (!out.empty()) out += ' ';
    out += Name(static_cast<Stage>(i));
    out += '=';
    out += std::to_string(static_cast<int64_t>(ms));
    out += "ms";
  }
  if (tool_ms() > 0) out += " tools=" + std::to_string(static_cast<int64_t>(tool_ms())) + "ms";
  return out;
}

void TurnTiming::Export() const {
  for (size_t i = 1; i < static_cast<size_t>(Stage::kCount); ++i) {
    double ms = MillisAt(static_cast<Stage>(i));
    if (ms >= 0)
      Metrics::Global().Observe("mirrorvox_stage_latency_seconds", ms / 1000.0,
                                {{"stage", Name(static_cast<Stage>(i))}});
  }
  if (tool_ms() > 0)
    Metrics::Global().Observe("mirrorvox_stage_latency_seconds", tool_ms() / 1000.0,
                              {{"stage", "tools"}});
}

}  // namespace mv
