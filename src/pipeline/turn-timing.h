// Monotonic stage timestamps of one turn, so latency is explainable stage by
// stage: in the last SSE event (`timing`), one log line, and /metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mv {

enum class Stage {
  kRequestReceived,
  kAsrDone,
  kLlmFirstToken,
  kFirstSegmentReady,
  kFirstTtsAudio,
  kFirstByteSent,
  kDone,
  kCount
};

class TurnTiming {
 public:
  using Clock = std::chrono::steady_clock;
  TurnTiming();

  // Records the first time a stage is reached; later calls are ignored, so
  // "first token" stays the first. Thread-safe.
  void Mark(Stage stage);
  bool Has(Stage stage) const;
  // Milliseconds since kRequestReceived, or -1 if the stage was not reached.
  double MillisAt(Stage stage) const;

  static const char* Name(Stage stage);
  // {"request_received_ms": 0, "asr_done_ms": 412.5, ...}; unreached stages omitted.
  nlohmann::json ToJson() const;
  std::string LogLine() const;
  // Time spent running tools (a duration, not a stage): "tools_ms" in
  // ToJson when above 0.
  void AddToolTime(double ms);
  double tool_ms() const;
  // Adds each reached stage's latency to the stage histogram in /metrics.
  void Export() const;

 private:
  Clock::time_point start_;
  std::array<std::atomic<int64_t>, static_cast<size_t>(Stage::kCount)> ns_;  // -1 = unset
  std::atomic<int64_t> tool_ns_{0};
};

}  // namespace mv
