#include "server/routes/turn-support.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "common/metrics.h"

namespace mv {

ChatTurnRequest BaseTurnRequest(const ServerContext& ctx) {
  ChatTurnRequest r;
  r.language = ctx.config.tts.language;
  r.voice = ctx.config.tts.voice;
  r.extra_ref_audio = ctx.config.tts.extra_ref_audio;
  const PipelineConfig& p = ctx.config.pipeline;
  r.segmenter.speak_only_quoted = p.speak_only_quoted;
  r.segmenter.drop_parentheses = p.drop_parentheses;
  r.segmenter.drop_urls = p.drop_urls;
  r.segmenter.early_first_segment = p.early_first_segment;
  r.segmenter.first_min_chars = p.first_min_chars;
  r.segmenter.min_chars = p.min_chars;
  r.segmenter.max_chars = p.max_chars;
  r.tts_parallelism = ctx.config.tts.parallelism;
  return r;
}

void FinishTurn(const std::string& route, const ChatTurnResult& result, const TurnTiming& timing) {
  static std::atomic<uint64_t> turn_ids{0};
  auto& m = Metrics::Global();
  m.Increment("mirrorvox_turns_total", {{"route", route}});
  std::string outcome = "ok";
  if (result.cancelled) {
    outcome = "cancelled";
    m.Increment("mirrorvox_turns_cancelled_total", {{"route", route}});
  } else if (result.error) {
    outcome = Error::KindName(result.error->kind());
    m.Increment("mirrorvox_errors_total", {{"route", route}, {"kind", "llm_" + outcome}});
  }
  if (result.failed_segments)
    m.Increment("mirrorvox_errors_total", {{"route", route}, {"kind", "tts_segment"}},
                result.failed_segments);
  if (result.llm.failovers)
    m.Increment("mirrorvox_llm_failovers_total", {}, result.llm.failovers);
  if (result.tts_retries) m.Increment("mirrorvox_tts_retries_total", {}, result.tts_retries);
  timing.Export();
  spdlog::info("turn {} {} {} segments={} failed={} failovers={} {}", ++turn_ids, route, outcome,
               result.spoken_segments, result.failed_segments, result.llm.failovers,
               timing.LogLine());
}

std::size_t QueuedAudioLimit(const ServerContext& ctx, double bytes_per_second) {
  return static_cast<std::size_t>(ctx.config.server.max_queued_audio_ms * bytes_per_second / 1000);
}

OutputGate ResponderGate(std::shared_ptr<Responder> responder, std::function<std::size_t()> limit) {
  return
      [responder = std::move(responder), limit = std::move(limit)](std::function<void()> resume) {
        return responder->WaitForDrain(limit(), std::move(resume));
      };
}

void CountRejected(const std::string& route, const Error& error) {
  Metrics::Global().Increment("mirrorvox_errors_total",
                              {{"route", route}, {"kind", Error::KindName(error.kind())}});
}

std::vector<ChatMessage> ParseMessages(const std::string& json_body, const std::string& field) {
  auto j = nlohmann::json::parse(json_body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorKind::kInvalidInput, "bad_json", "request body must be a JSON object");
  auto it = j.find(field);
  if (it == j.end() || !it->is_array())
    throw Error(ErrorKind::kInvalidInput, "missing_field",
                "field '" + field + "' must be a list of {role, content} messages");
  std::vector<ChatMessage> out;
  for (const auto& m : *it) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
        !m["content"].is_string())
      throw Error(ErrorKind::kInvalidInput, "bad_field",
                  "each message in '" + field + "' needs string 'role' and 'content'");
    std::string role = m["role"];
    if (role != "system" && role != "user" && role != "assistant")
      throw Error(ErrorKind::kInvalidInput, "bad_field",
                  "message role must be system, user or assistant, got '" + role + "'");
    out.push_back({role, m["content"]});
  }
  if (out.empty())
    throw Error(ErrorKind::kInvalidInput, "bad_field", "'" + field + "' has no messages");
  return out;
}

}  // namespace mv
