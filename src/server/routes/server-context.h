// What routes share: the resolved config, the loaded engines and the compute
// pool. Owned by the Runtime (app/runtime.h), whose Stop() takes it down in
// order; engines are shared by all requests.
#pragma once

#include <memory>

#include "asr/asr.h"
#include "common/cancel-token.h"
#include "common/thread-pool.h"
#include "config/config.h"
#include "llm/llm.h"
#include "tools/tool-registry.h"
#include "tts/tts.h"
#include "voice/speaker-encoder.h"
#include "voice/speaker-gate.h"
#include "voice/voice-library.h"

namespace mv {

class AutoLlm;
class HttpClient;
class NetIo;

struct ServerContext {
  Config config;
  // Fired by Runtime::Stop(): the parent of every request's token.
  CancelToken root;
  // The network I/O context (server.io_threads threads) and the one client
  // on it that every engine talks upstream through: the LLM, remote TTS/ASR
  // and their health checks, WebSocket engines, MCP over HTTP, the remote
  // speaker encoder. Destroyed after everything that uses them.
  std::shared_ptr<NetIo> net;
  std::shared_ptr<HttpClient> http;
  std::unique_ptr<Asr> asr;
  std::unique_ptr<Tts> tts;
  // The server-side tools (MCP servers); null when none are configured. The
  // llm (a ToolLoopLlm) holds it too.
  std::shared_ptr<ToolRegistry> tools;
  std::unique_ptr<Llm> llm;
  // Which model answers and why (/healthz, the web page); part of `llm`.
  const AutoLlm* llm_status = nullptr;
  // Voice identity: the encoder and the enrolled speakers exist when
  // voiceprint.enabled or voiceprint.identify is on; the library always.
  std::unique_ptr<SpeakerEncoder> speaker_encoder;
  std::unique_ptr<SpeakerGate> speakers;
  std::unique_ptr<VoiceLibrary> voices;
  // Remote ASR calls of realtime sessions (network waits); null = compute.
  std::unique_ptr<ThreadPool> asr_pool;
  // Runtime::Stop() drains and destroys the pools before the engines. TTS
  // fan-outs run here too (remote engines' waits hold no thread).
  std::unique_ptr<ThreadPool> compute;
};

}  // namespace mv
