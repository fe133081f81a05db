// What a realtime session needs from the server, as plain pieces: the
// engines, the pools, the session defaults, and hooks for what lives in the
// route layer (voice library, voiceprint gate, turn logging). Built once by
// the route and shared, read-only, by every session.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asr/asr.h"
#include "common/cancel-token.h"
#include "common/thread-pool.h"
#include "llm/llm.h"
#include "pipeline/chat-turn.h"
#include "realtime/realtime-config.h"
#include "realtime/vad.h"
#include "tts/tts.h"

namespace mv {

// The voiceprint gate's word on one user turn.
struct SpeakerVerdict {
  bool refused = false;
  std::string reason;          // why, when refused
  std::string speaker_prompt;  // system-prompt line naming an identified speaker, or ""
};

struct RealtimeServices {
  Asr* asr = nullptr;
  Tts* tts = nullptr;
  Llm* llm = nullptr;
  ThreadPool* compute = nullptr;  // VAD, embedded ASR, session events, the answers' TTS fan-out
  // Remote ASR calls mostly wait on the network: on their own pool so they
  // do not hold the compute threads (null = compute).
  ThreadPool* asr_pool = nullptr;
  std::shared_ptr<const Vad> vad;
  // asr.streaming and an engine that decodes while audio arrives: server-VAD
  // turns are fed to an AsrStream as they are spoken.
  bool stream_asr = false;

  RealtimeConfig defaults;
  std::string system_prompt;  // llm.system_prompt: instructions when realtime.instructions is ""
  ChatTurnRequest base_turn;  // segmenter, TTS language/voice/parallelism, emotion references
  std::vector<std::string> engine_voices;
  std::string engine_voice;  // what "" means, as reported to clients

  // A voice-library id -> its reference; throws mv::Error when there is no
  // such voice. Null hook: no library.
  std::function<std::shared_ptr<const VoiceReference>(const std::string& id)> library_voice;
  // Runs on a compute thread for every user turn when the gate or speaker
  // identification is on; null = off. May throw mv::Error (never fails open).
  std::function<SpeakerVerdict(const AudioBuffer& audio, const CancelToken& cancel)> check_speaker;
  // Every answer, once it ended (log line, metrics).
  std::function<void(const ChatTurnResult& result, const TurnTiming& timing)> on_turn_done;

  // Client events waiting to be processed, in bytes, per session.
  std::size_t max_queued_bytes = 8u << 20;
  // The mirror voice keeps at most this much of the caller's last turn.
  double mirror_max_seconds = 15;
  // Conversation text kept for the LLM, per session; older items go first.
  std::size_t max_history_chars = 24000;
};

}  // namespace mv
