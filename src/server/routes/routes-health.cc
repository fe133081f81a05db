#include <nlohmann/json.hpp>
#include <regex>

#include "common/backlog.h"
#include "common/json-dump.h"
#include "common/metrics.h"
#include "common/secret-mask.h"
#include "llm/auto-llm.h"
#include "pipeline/tts-fanout.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"

namespace mv {
namespace {

nlohmann::json LlmJson(const AutoLlm* llm) {
  if (!llm) return nullptr;
  const LlmStatus s = llm->Status();
  nlohmann::json j = {{"mode", s.mode},         {"url", MaskUrlCredentials(s.url)},
                      {"model", s.model},       {"models", s.models},
                      {"discover", s.discover}, {"fallback", s.fallback}};
  if (!s.server.empty()) j["server"] = s.server;
  if (!s.reason.empty()) j["reason"] = s.reason;
  if (!s.fix.empty()) j["fix"] = s.fix;
  // Messages name endpoint URLs: no password in them reaches a client.
  static const std::regex kUserInfo(R"((://)[^/@\s]+@)");
  if (!s.last_error.empty())
    j["last_error"] = std::regex_replace(s.last_error, kUserInfo, "$1***@");
  return j;
}

// Read at render time from the counters the transports and fan-outs keep.
std::string BackPressureMetrics() {
  auto series = [](const char* name, const char* type, const char* help, double value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(static_cast<long long>(value)) + "\n";
  };
  return series("mirrorvox_output_queued_bytes", "gauge",
                "Bytes queued for clients, not yet written to their sockets.",
                static_cast<double>(Backlog::ProcessTotal())) +
         series("mirrorvox_output_paused", "gauge",
                "Answers paused now because their client is behind (server.max_queued_audio_ms).",
                TtsFanout::PausedNow()) +
         series("mirrorvox_output_pauses_total", "counter",
                "Times an answer paused because its client was behind.",
                static_cast<double>(TtsFanout::PausesTotal()));
}

}  // namespace

void RegisterHealthRoutes(HttpServer& server, ServerContext& ctx) {
  // Described up front so every family shows (at 0) before the first turn.
  auto& m = Metrics::Global();
  m.Describe("mirrorvox_turns_total", "counter", "Spoken turns finished, by route");
  m.Describe("mirrorvox_turns_cancelled_total", "counter", "Turns cut short by the client");
  m.Describe("mirrorvox_errors_total", "counter", "Errors by route and kind");
  m.Describe("mirrorvox_llm_failovers_total", "counter", "Times the next LLM endpoint took over");
  m.Describe("mirrorvox_tts_retries_total", "counter", "TTS segments retried after a failure");
  m.Describe("mirrorvox_stage_latency_seconds", "histogram",
             "Time from request received to each stage of a turn");
  server.Route("GET", "/healthz", [&ctx](auto, std::shared_ptr<Responder> responder) {
    nlohmann::json j = {{"status", "ok"},
                        {"asr", ctx.config.asr.engine},
                        {"tts", ctx.config.tts.engine.empty() ? "auto" : ctx.config.tts.engine},
                        {"compute_threads", ctx.compute->size()},
                        {"queued_jobs", ctx.compute->queued()},
                        {"llm", LlmJson(ctx.llm_status)}};
    responder->Send(HttpResponse::Json(200, SafeDump(j)));
  });
  // Prometheus text exposition format.
  server.Route("GET", "/metrics", [](auto, std::shared_ptr<Responder> responder) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = Metrics::Global().Render() + BackPressureMetrics();
    responder->Send(std::move(r));
  });
}

}  // namespace mv
