#include "app/runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "app/reference-transcripts.h"
#include "llm/auto-llm.h"
#include "net/http-client.h"
#include "net/net-io.h"
#include "pipeline/chat-turn.h"
#include "server/access-control.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"
#include "server/routes/voice-support.h"
#include "server/tls-credentials.h"
#include "tools/tool-loop-llm.h"
#include "voice/reference-voice-tts.h"

namespace mv {

using Clock = std::chrono::steady_clock;

Runtime::Runtime(Config config) {
  ctx_.config = std::move(config);
  const Config& c = ctx_.config;
  // Before any engine loads: a listener open to the network without keys
  // is refused at once, in one line.
  access_ = std::make_shared<AccessControl>(c.server);
  access_->CheckStartup();
  spdlog::info("loading engines: asr={} tts={}", c.asr.engine,
               c.tts.engine.empty() ? "auto" : c.tts.engine);
  ctx_.net = std::make_shared<NetIo>(c.server.io_threads);
  ctx_.http = std::make_shared<HttpClient>(ctx_.net);
  ctx_.asr = CreateAsr(c.asr, ctx_.http);
  // References without a transcript (GPT-SoVITS v3/v4 refuse them) get one.
  FillReferenceTranscripts(ctx_.config.tts, ctx_.config.audio, *ctx_.asr);
  if (c.tts.IsRemote()) {
    ctx_.tts = CreateTts(c.tts, ctx_.http);  // the server clones references itself
  } else {
    // The embedded engines cannot clone: references (mirror voice, emotion
    // clips) are rendered by voice matching.
    auto tts = std::make_unique<ReferenceVoiceTts>(CreateTts(c.tts), c.tts.language);
    tts->Calibrate(c.tts.language);
    ctx_.tts = std::move(tts);
  }
  // Configured endpoints, else one discovered on this machine, else echo;
  // every reply goes through the tool loop: MCP tools when configured, and
  // the functions a realtime client declares.
  auto llm = std::make_unique<AutoLlm>(c.llm, ctx_.http);
  ctx_.llm_status = llm.get();
  if (c.tools.enabled()) {
    ctx_.tools = std::make_shared<ToolRegistry>(c.tools, ctx_.http);
    ctx_.tools->Start();
  }
  ctx_.llm = std::make_unique<ToolLoopLlm>(std::move(llm), ctx_.tools, c.tools, ctx_.net);
  SetUpVoiceIdentity(ctx_);
  ctx_.compute = std::make_unique<ThreadPool>(c.server.compute_threads);
  if (c.asr.IsRemote()) {
    // Same for remote ASR: a realtime turn waits on the network and must
    // not hold a compute thread while it does.
    int slots = 0;
    for (const auto& e : c.asr.remote.endpoints) slots += e.max_concurrency;
    ctx_.asr_pool =
        std::make_unique<ThreadPool>(std::max<int>(ctx_.compute->size(), std::min(2 * slots, 256)));
  }
}

Runtime::~Runtime() { Stop(); }

void Runtime::Start() {
  const ServerConfig& s = ctx_.config.server;
  HttpServerOptions http;
  http.host = s.host;
  http.port = s.port;
  http.io_threads = s.io_threads;
  http.max_body_bytes = s.max_body_bytes;
  http.idle_timeout_s = s.idle_timeout_s;
  http.cancel_all = ctx_.root;
  http.access = access_;
  if (s.TlsEnabled()) {
    TlsCredentials tls = PrepareServerTls(s);
    http.tls_cert_pem = std::move(tls.cert_pem);
    http.tls_key_pem = std::move(tls.key_pem);
  }
  server_ = std::make_unique<HttpServer>(http);
  RegisterHealthRoutes(*server_, ctx_);
  RegisterMoeChatRoutes(*server_, ctx_);
  RegisterMirrorChatRoutes(*server_, ctx_);
  RegisterVoiceRoutes(*server_, ctx_);
  RegisterRealtimeRoutes(*server_, ctx_);
  RegisterWebRoutes(*server_, ctx_);
  RegisterOpenAiRoutes(*server_, ctx_);  // last: /v1/* fallback
  server_->Start();
  spdlog::info("listening on {}://{}:{}", server_->tls() ? "https" : "http", s.host,
               server_->port());
  spdlog::info("access: {}", access_->Describe());
}

int Runtime::port() const { return server_ ? server_->port() : 0; }

bool Runtime::tls() const { return server_ && server_->tls(); }

// Pools empty, no turn alive (a cancelled turn still has to reach its
// on_done, which answers the client) and every answer written, or the
// deadline.
void Runtime::WaitQuiet(Clock::time_point deadline) {
  for (;;) {
    bool idle = ctx_.compute->WaitIdle(deadline);
    if (ctx_.asr_pool) idle = ctx_.asr_pool->WaitIdle(deadline) && idle;
    idle = idle && ChatTurn::InFlight() == 0;
    if (idle && server_) idle = server_->WaitAnswered(deadline);
    if (idle || Clock::now() >= deadline) return;
    // Turns end on network threads: look again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Runtime::Stop() {
  std::lock_guard lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(ctx_.config.server.shutdown_grace_ms);
  if (server_) server_->BeginStop();  // no new connections; sessions get close 1001
  // Every request's token is a child of root: their turns, LLM calls, TTS
  // and ASR jobs stop, and each answers its client while I/O still runs.
  ctx_.root.Cancel();
  if (ctx_.compute) WaitQuiet(deadline);
  if (ChatTurn::InFlight() != 0)
    spdlog::warn("shutdown: {} turn(s) still running after server.shutdown_grace_ms",
                 ChatTurn::InFlight());
  // Closes the connections and joins the I/O threads.
  if (server_) server_->Stop();
  // Asynchronous (remote) TTS calls end, cancelled, on network threads and
  // post their last emission to the compute pool: out before it goes.
  if (ctx_.tts) ctx_.tts->WaitIdle();
  // Pools before the engines their queued jobs use; compute first (its jobs
  // start turns that use the LLM and run the TTS fan-outs), then the LLM.
  ctx_.compute.reset();
  ctx_.llm_status = nullptr;
  ctx_.llm.reset();
  ctx_.tools.reset();  // stdio MCP servers exit
  ctx_.asr_pool.reset();
  server_.reset();
  // Nothing uses the engines any more.
  ctx_.asr.reset();
  ctx_.tts.reset();
  ctx_.speakers.reset();
  ctx_.speaker_encoder.reset();
  // Last: every engine and client that posted to the network is gone.
  ctx_.http.reset();
  ctx_.net.reset();
  spdlog::info("stopped");
}

}  // namespace mv
