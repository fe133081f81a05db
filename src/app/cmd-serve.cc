#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "app/commands.h"
#include "common/error.h"
#include "config/config-loader.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"
#include "server/routes/voice-support.h"
#include "server/tls-credentials.h"
#include "tools/tool-loop-llm.h"
#include "voice/reference-voice-tts.h"

namespace mv {

int RunServe(const ServeOptions& options) {
  // Signals are taken synchronously by one thread, so every other thread
  // (I/O, compute) never sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ServerContext ctx;
  try {
    ctx.config = LoadConfig(options.config_path);
    if (!options.host.empty()) ctx.config.server.host = options.host;
    if (options.port >= 0) ctx.config.server.port = options.port;
    spdlog::info("loading engines: asr={} tts={}", ctx.config.asr.engine,
                 ctx.config.tts.engine.empty() ? "auto" : ctx.config.tts.engine);
    ctx.asr = CreateAsr(ctx.config.asr);
    if (ctx.config.tts.IsRemote()) {
      ctx.tts = CreateTts(ctx.config.tts);  // the server clones references itself
    } else {
      // The embedded engines cannot clone: references (mirror voice, emotion
      // clips) are rendered by voice matching.
      auto tts =
          std::make_unique<ReferenceVoiceTts>(CreateTts(ctx.config.tts), ctx.config.tts.language);
      tts->Calibrate(ctx.config.tts.language);
      ctx.tts = std::move(tts);
    }
    // Every reply goes through the tool loop: MCP tools when configured, and
    // the functions a realtime client declares.
    if (ctx.config.tools.enabled()) {
      ctx.tools = std::make_shared<ToolRegistry>(ctx.config.tools);
      ctx.tools->Start();
    }
    ctx.llm = std::make_unique<ToolLoopLlm>(Llm::Create("openai", ctx.config.llm), ctx.tools,
                                            ctx.config.tools);
    SetUpVoiceIdentity(ctx);
    ctx.compute = std::make_unique<ThreadPool>(ctx.config.server.compute_threads);
    if (ctx.config.tts.IsRemote()) {
      // Remote TTS jobs mostly wait on the network: enough threads to keep
      // every endpoint slot busy with one job queued behind it.
      int slots = 0;
      for (const auto& e : ctx.config.tts.remote.endpoints) slots += e.max_concurrency;
      ctx.tts_pool = std::make_unique<ThreadPool>(std::max(ctx.compute->size(), 2 * slots));
    }

    if (ctx.config.asr.IsRemote()) {
      // Same reasoning for remote ASR: a realtime turn waits on the network
      // and must not hold a compute thread while it does.
      int slots = 0;
      for (const auto& e : ctx.config.asr.remote.endpoints) slots += e.max_concurrency;
      const int threads = std::max<int>(ctx.compute->size(), std::min(2 * slots, 256));
      ctx.asr_pool = std::make_unique<ThreadPool>(threads);
    }

    HttpServerOptions http;
    http.host = ctx.config.server.host;
    http.port = ctx.config.server.port;
    http.io_threads = ctx.config.server.io_threads;
    http.max_body_bytes = ctx.config.server.max_body_bytes;
    http.idle_timeout_s = ctx.config.server.idle_timeout_s;
    if (ctx.config.server.TlsEnabled()) {
      TlsCredentials tls = PrepareServerTls(ctx.config.server);
      http.tls_cert_pem = std::move(tls.cert_pem);
      http.tls_key_pem = std::move(tls.key_pem);
    }
    HttpServer server(http);
    RegisterHealthRoutes(server, ctx);
    RegisterMoeChatRoutes(server, ctx);
    RegisterMirrorChatRoutes(server, ctx);
    RegisterVoiceRoutes(server, ctx);
    RegisterRealtimeRoutes(server, ctx);
    RegisterWebRoutes(server, ctx);
    RegisterOpenAiRoutes(server, ctx);  // last: /v1/* fallback
    server.Start();
    spdlog::info("listening on {}://{}:{}", server.tls() ? "https" : "http", http.host,
                 server.port());

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: shutting down", sig);
    server.Stop();
    // Work still in flight completes responders that post to the server's
    // io_context: finish it while the server object still exists.
    ctx.llm.reset();
    ctx.tools.reset();  // stdio MCP servers exit
    ctx.compute.reset();
    ctx.asr_pool.reset();
    ctx.tts_pool.reset();  // after compute: its jobs may still start turns
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace mv
