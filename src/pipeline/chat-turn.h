// One spoken answer: LLM token stream -> Segmenter -> ordered parallel TTS ->
// a sink (SSE events, a WAV stream, a realtime session...). Every stage is
// streaming and the whole turn stops when `cancel` fires.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel-token.h"
#include "common/output-gate.h"
#include "common/thread-pool.h"
#include "llm/llm.h"
#include "pipeline/segmenter.h"
#include "pipeline/tts-fanout.h"
#include "pipeline/turn-timing.h"
#include "tts/tts.h"

namespace mv {

struct ChatTurnRequest {
  std::vector<ChatMessage> messages;
  ChatOptions chat_options;
  std::string language;  // for TTS; "" = the engine's
  std::string voice;     // "" = the engine's
  // Voice for segments without an emotion reference (mirror voice, library voice).
  std::shared_ptr<const VoiceReference> reference;
  // Emotion tag -> reference audio ([tag] in the reply).
  std::map<std::string, RefAudio> extra_ref_audio;
  SegmenterOptions segmenter;
  int tts_parallelism = 2;
};

// A spoken segment as the sink sees it. `display_text` also holds any
// display-only text (narration, code) that came just before it.
struct SpokenSegment {
  Segment segment;
  std::string display_text;
  int number = 0;  // 0, 1, 2... over spoken segments
};

struct ChatTurnResult {
  std::string text;             // the whole reply as the LLM wrote it
  std::optional<Error> error;   // the LLM failed (after failover), or cancelled
  bool cancelled = false;
  int spoken_segments = 0;
  int failed_segments = 0;
  int tts_retries = 0;
  LlmResult llm;
};

struct ChatTurnSink {
  // Serialised and in order.
  std::function<void(const SpokenSegment&, const float* samples, std::size_t count, int rate)>
      on_audio;
  std::function<void(const SpokenSegment&, const AudioBuffer& audio)> on_segment;
  std::function<void(const SpokenSegment&, const Error& error)> on_segment_error;
  // Exactly once, after everything else.
  std::function<void(const ChatTurnResult& result)> on_done;
  // Back-pressure: asked after audio went to the client; while it is
  // behind, the turn's TTS holds its audio and starts no new segment.
  OutputGate output_full;
};

class ChatTurn : public std::enable_shared_from_this<ChatTurn> {
 public:
  // Starts at once and returns; the sink is called from network and compute
  // threads. The turn keeps itself alive until on_done.
  static void Start(Llm& llm, Tts& tts, ThreadPool& pool, ChatTurnRequest request,
                    CancelToken cancel, std::shared_ptr<TurnTiming> timing, ChatTurnSink sink);
  // Turns alive in this process (an orderly stop waits for none).
  static int InFlight();

 private:
  ChatTurn(Llm& llm, Tts& tts, ThreadPool& pool, ChatTurnRequest request, CancelToken cancel,
           std::shared_ptr<TurnTiming> timing, ChatTurnSink sink);
  void Run();
  void OnDelta(std::string_view text);
  void Dispatch(std::vector<Segment> segments);
  void OnLlmDone(LlmResult result);
  void OnFanoutFinished(bool cancelled);
  void MaybeFinish();
  std::shared_ptr<const VoiceReference> ReferenceFor(const Segment& segment);

  // First member, so gone last: InFlight() counts a turn until its sink (and
  // the responder in it) is released too.
  struct InFlightCount {
    InFlightCount();
    ~InFlightCount();
  } in_flight_;
  Llm& llm_;
  Tts& tts_;
  ThreadPool& pool_;
  ChatTurnRequest request_;
  CancelToken cancel_;
  std::shared_ptr<TurnTiming> timing_;
  ChatTurnSink sink_;
  Segmenter segmenter_;  // only touched from LLM callbacks, which are serialised
  std::shared_ptr<TtsFanout> fanout_;
  std::shared_ptr<ChatTurn> self_;  // alive until on_done

  std::mutex mutex_;  // guards spoken_, pending_display_, the done flags and result_
  std::vector<SpokenSegment> spoken_;
  std::string pending_display_;  // display-only text waiting for the next spoken segment
  bool llm_done_ = false, fanout_done_ = false, finished_ = false;
  ChatTurnResult result_;
  std::map<std::string, std::shared_ptr<const VoiceReference>> emotion_refs_;
};

}  // namespace mv
