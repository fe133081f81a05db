// What routes share: the resolved config, the loaded engines and the compute
// pool. Built once by `mirrorvox serve`; engines are shared by all requests.
#pragma once

#include <memory>

#include "asr/asr.h"
#include "common/thread-pool.h"
#include "config/config.h"
#include "llm/llm.h"
#include "tools/tool-registry.h"
#include "tts/tts.h"
#include "voice/speaker-encoder.h"
#include "voice/speaker-gate.h"
#include "voice/voice-library.h"

namespace mv {

struct ServerContext {
  Config config;
  std::unique_ptr<Asr> asr;
  std::unique_ptr<Tts> tts;
  // The server-side tools (MCP servers); null when none are configured. The
  // llm (a ToolLoopLlm) holds it too.
  std::shared_ptr<ToolRegistry> tools;
  std::unique_ptr<Llm> llm;
  // Voice identity: the encoder and the enrolled speakers exist when
  // voiceprint.enabled or voiceprint.identify is on; the library always.
  std::unique_ptr<SpeakerEncoder> speaker_encoder;
  std::unique_ptr<SpeakerGate> speakers;
  std::unique_ptr<VoiceLibrary> voices;
  // TTS fan-out jobs of the remote engines (they block on the network, so
  // more threads than cores); null = they share `compute`. Before compute:
  // compute jobs start turns that post here.
  std::unique_ptr<ThreadPool> tts_pool;
  // Remote ASR calls of realtime sessions (network waits); null = compute.
  std::unique_ptr<ThreadPool> asr_pool;
  // Last: destroyed first, so queued jobs finish while the engines still exist.
  std::unique_ptr<ThreadPool> compute;

  ThreadPool& TtsPool() { return tts_pool ? *tts_pool : *compute; }
};

}  // namespace mv
