// OpenAI Realtime over WebSocket (docs/realtime.md):
//   WS  /v1/realtime          one RealtimeSession per connection
// (GET /v1/audio/voices, what `voice` takes, is in routes-openai-models.cc.)
// The session itself (src/realtime) knows nothing of sockets or the server
// context: this file hands it the engines and the route-layer hooks (voice
// library, voiceprint gate, turn logging).
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "common/client-text.h"
#include "common/error.h"
#include "common/json-dump.h"
#include "common/metrics.h"
#include "realtime/realtime-session.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"
#include "server/routes/turn-support.h"
#include "server/routes/voice-support.h"

namespace mv {
namespace {

using json = nlohmann::json;

const std::string kRoute = "/v1/realtime";

std::shared_ptr<RealtimeServices> MakeServices(ServerContext& ctx) {
  auto s = std::make_shared<RealtimeServices>();
  s->asr = ctx.asr.get();
  s->tts = ctx.tts.get();
  s->llm = ctx.llm.get();
  s->compute = ctx.compute.get();
  s->asr_pool = ctx.asr_pool.get();
  s->stream_asr = ctx.config.asr.streaming && ctx.asr->DecodesWhileSpeaking();
  s->vad = CreateVad(VadConfig{ctx.config.realtime.vad_engine});
  s->defaults = ctx.config.realtime;
  s->system_prompt = ctx.config.llm.system_prompt;
  s->base_turn = BaseTurnRequest(ctx);
  s->engine_voices = ctx.tts->Voices();
  s->engine_voice = !ctx.config.tts.voice.empty() ? ctx.config.tts.voice
                    : !s->engine_voices.empty()   ? s->engine_voices.front()
                                                  : "default";
  s->library_voice = [&ctx](const std::string& id) { return LibraryReference(ctx, id); };
  const VoiceprintConfig& vp = ctx.config.voiceprint;
  if ((vp.enabled || vp.identify) && ctx.speakers) {
    s->check_speaker = [&ctx](const AudioBuffer& audio, const CancelToken& cancel) {
      SpeakerVerdict verdict;
      const std::optional<SpeakerCheck> check = CheckSpeaker(ctx, audio, cancel);
      if (!check) return verdict;
      if (GateRefuses(ctx, *check)) {
        verdict.refused = true;
        verdict.reason = check->reason;
        CountRejected(kRoute, Error(ErrorKind::kForbidden, "voiceprint_rejected", check->reason));
        return verdict;
      }
      ChatTurnRequest scratch;
      scratch.chat_options.system_prompt = "";
      ApplySpeaker(ctx, *check, scratch);
      verdict.speaker_prompt = scratch.chat_options.system_prompt.value_or("");
      return verdict;
    };
  }
  s->on_turn_done = [](const ChatTurnResult& result, const TurnTiming& timing) {
    FinishTurn(kRoute, result, timing);
  };
  return s;
}

// OpenAI-Beta: realtime=v1, or the subprotocol browsers use for it.
bool WantsBeta(const HttpRequest& req) {
  return req.Header("openai-beta").find("realtime=v1") != std::string::npos ||
         req.Header("sec-websocket-protocol").find("openai-beta.realtime-v1") != std::string::npos;
}

std::string RefusalEvent(const std::string& code, const std::string& message) {
  return SafeDump(json{{"type", "error"},
                       {"event_id", "event_0"},
                       {"error",
                        {{"type", "server_error"},
                         {"code", code},
                         {"message", message},
                         {"param", nullptr},
                         {"event_id", nullptr}}}});
}

}  // namespace

void RegisterRealtimeRoutes(HttpServer& server, ServerContext& ctx) {
  auto services = MakeServices(ctx);
  auto live = std::make_shared<std::atomic<int>>(0);
  auto& metrics = Metrics::Global();
  metrics.Describe("mirrorvox_realtime_sessions", "gauge", "Open /v1/realtime sessions.");

  server.RouteWebSocket(kRoute, [&ctx, services, live](std::shared_ptr<WebSocketSession> ws) {
    const int max = ctx.config.realtime.max_sessions;
    if (live->fetch_add(1) >= max) {
      live->fetch_sub(1);
      CountRejected(kRoute, Error(ErrorKind::kUnavailable, "session_limit", "session limit"));
      ws->SendText(RefusalEvent("session_limit", "the server is at realtime.max_sessions (" +
                                                     std::to_string(max) + "); try again later"));
      ws->Close(1013, "session limit");
      return;
    }
    std::weak_ptr<WebSocketSession> weak = ws;
    const std::size_t limit = QueuedAudioLimit(ctx, RealtimeAudioOut::kBytesPerSecond);
    std::shared_ptr<RealtimeSession> session;
    try {
      session = RealtimeSession::Create(
          services, WantsBeta(ws->request()),
          [weak](std::string text) {
            if (auto socket = weak.lock()) socket->SendText(std::move(text));
          },
          [weak, limit](std::function<void()> resume) {
            auto socket = weak.lock();
            return socket && socket->WaitForDrain(limit, std::move(resume));
          });
    } catch (const Error& e) {
      live->fetch_sub(1);
      spdlog::error("realtime: session failed to start: {}", e.what());
      ws->SendText(RefusalEvent("session_failed", ClientMessage(e)));
      ws->Close(1011, "session failed");
      return;
    }
    Metrics::Global().Increment("mirrorvox_realtime_sessions", {}, 1);
    spdlog::info("realtime {}: open from {}{}", session->id(), ws->request().remote,
                 WantsBeta(ws->request()) ? " (beta events)" : "");
    session->Start();
    ws->OnMessage([session](WebSocketMessage message) {
      if (message.binary) {
        session->OnBinary();
      } else {
        session->OnText(std::move(message.data));
      }
    });
    ws->OnClose([session, live] {
      session->Close();
      live->fetch_sub(1);
      Metrics::Global().Increment("mirrorvox_realtime_sessions", {}, -1);
      spdlog::info("realtime {}: closed", session->id());
    });
  });
}

}  // namespace mv
