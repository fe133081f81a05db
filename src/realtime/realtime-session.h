// One /v1/realtime conversation (docs/realtime.md): the OpenAI Realtime
// protocol state machine over a "send text" function, so it runs without
// sockets in tests. Audio in -> 16 kHz -> server VAD -> user turns -> ASR
// (compute pool) -> answer (ChatTurn: LLM -> segments -> TTS) -> 24 kHz
// audio deltas; barge-in cancels the answer in progress.
//
// Threading: OnText()/Close() come from the transport (an I/O thread) and
// return at once; every client event runs later on the compute pool through
// a per-session SerialQueue, in arrival order. ASR runs as its own compute
// job and comes back through the queue. Answer callbacks arrive from network
// and TTS threads. Every send happens under mutex_, so what the client sees
// is one consistent order: no audio delta of an answer follows its
// response.done.
// Ownership: Create() returns a shared_ptr; queued jobs and running answers
// hold their own references, so the session lives until they end.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "common/cancel-token.h"
#include "common/output-gate.h"
#include "common/serial-queue.h"
#include "pipeline/chat-turn.h"
#include "realtime/realtime-audio-out.h"
#include "realtime/realtime-services.h"
#include "realtime/realtime-settings.h"
#include "realtime/turn-detector.h"

namespace mv {

class RealtimeSession : public std::enable_shared_from_this<RealtimeSession> {
 public:
  using SendFn = std::function<void(std::string text)>;

  // `beta`: the client asked for the beta event names (OpenAI-Beta:
  // realtime=v1). `output_full`: the transport's back-pressure (an answer
  // pauses while the client is behind; null = never). Throws mv::Error if
  // the VAD cannot start.
  static std::shared_ptr<RealtimeSession> Create(std::shared_ptr<const RealtimeServices> services,
                                                 bool beta, SendFn send,
                                                 OutputGate output_full = nullptr);
  ~RealtimeSession();
  RealtimeSession(const RealtimeSession&) = delete;
  RealtimeSession& operator=(const RealtimeSession&) = delete;

  // Sends session.created.
  void Start();
  // A client text frame; queued, processed in order.
  void OnText(std::string text);
  // A binary frame: not part of the protocol (an `error` answers it).
  void OnBinary();
  // The transport ended: the answer in progress and every queued job stop.
  void Close();

  const std::string& id() const { return id_; }

 private:
  // A user turn on its way through the gate and ASR.
  struct Turn {
    std::string item_id;
    AudioBuffer audio;  // 16 kHz
    std::shared_ptr<TurnTiming> timing;
    bool auto_response = false;  // server VAD with create_response
    bool manual = false;         // input_audio_buffer.commit
    std::string language;        // the session's when the turn ended; "" = asr.language
    // Written by the compute job before `done`; read in the queue after it.
    std::atomic<bool> done{false};
    std::string transcript;
    std::optional<Error> error;
    SpeakerVerdict verdict;
    // Live recognition (services.stream_asr): `asr_jobs` feed `stream` in
    // order on the ASR pool; only those jobs touch stream, partial and
    // stream_error, and RecognizeTurn is the last of them.
    std::shared_ptr<SerialQueue> asr_jobs;
    std::unique_ptr<AsrStream> stream;
    std::string partial;                // the stream's words when last asked
    std::optional<Error> stream_error;  // a job failed; later ones skip
    // Serial-queue state:
    std::size_t fed = 0;          // samples of the turn handed to asr_jobs
    std::string last_partial;     // the partial before, to see which words held
    std::string sent_transcript;  // what the transcription deltas said so far
  };
  // One answer.
  struct Response {
    std::string id, item_id;
    CancelToken cancel;  // fresh per answer: tokens cannot drop callbacks
    std::shared_ptr<TurnTiming> timing;
    double asr_audio_ms = -1;
    RealtimeAudioOut out;  // fan-out callbacks only (serialised)
    // Under mutex_:
    bool finished = false;        // response.done went out
    int transcript_segment = -1;  // last segment whose transcript delta went out
    std::string transcript;       // spoken so far
    nlohmann::json function_calls = nlohmann::json::array();  // output items for the client
  };
  struct HistoryItem {
    std::string id, role, text;
    std::vector<ToolCall> tool_calls;  // role "assistant": function calls it made
    std::string call_id;               // role "tool": the call this output answers
  };

  RealtimeSession(std::shared_ptr<const RealtimeServices> services, bool beta, SendFn send,
                  OutputGate output_full);

  // --- client events (serial queue) ---
  void Handle(const std::string& text);
  void OnSessionUpdate(const nlohmann::json& event, const std::string& client_event);
  void OnAppend(const nlohmann::json& event, const std::string& client_event);
  void OnCommit(const std::string& client_event);
  void OnClear();
  void OnItemCreate(const nlohmann::json& event, const std::string& client_event);
  void OnResponseCreate(const nlohmann::json& event, const std::string& client_event);
  void OnResponseCancel(const std::string& client_event);

  // --- user turns (serial queue; realtime-session-turns.cc) ---
  void ProcessInput(const float* samples16k, std::size_t n);
  void OnTurnEvent(TurnEvent& event);
  void SubmitTurn(std::string item_id, AudioBuffer audio, std::shared_ptr<TurnTiming> timing,
                  bool auto_response);
  void RecognizeTurn(std::shared_ptr<Turn> turn);  // compute job
  std::string Transcribe(const Turn& turn);        // the whole clip, in the job
  void OnTurnRecognized();                         // back in the queue
  void AcceptTurn(Turn& turn);
  // Live recognition: a stream opened at speech start, fed as the detector
  // grows the turn, finished at its end (realtime-session-live-asr.cc).
  std::shared_ptr<Turn> OpenLiveTurn(const std::string& item_id);
  void FeedLiveTurn();
  void FeedManualTurn();
  void DropLiveTurn();
  void FeedStream(const std::shared_ptr<Turn>& turn, const std::vector<float>& samples);  // ASR job
  // A transcription delta for the words of `text` that are settled (held
  // since the previous partial, the newest excepted) and extend what went out.
  void SendTranscriptDelta(Turn& turn, const std::string& text, bool final);
  std::optional<nlohmann::json> TranscriptDelta(Turn& turn, const std::string& text, bool final);
  TurnDetectorOptions DetectorOptions() const;

  // --- answers (realtime-session-response.cc) ---
  // From the queue. `timing` null = starts now. False when one is running.
  bool StartResponse(std::shared_ptr<TurnTiming> timing, double asr_audio_ms,
                     std::optional<std::string> instructions);
  ChatTurnRequest BuildTurnRequest(const std::optional<std::string>& instructions);
  void OnAnswerAudio(const std::shared_ptr<Response>& r, const SpokenSegment& segment,
                     std::vector<std::string> chunks);
  void OnAnswerDone(const std::shared_ptr<Response>& r, const ChatTurnResult& result);
  // Cancels the answer in progress; false when there is none.
  bool CancelResponse(const std::string& reason);
  void FinishResponseLocked(Response& r, const std::string& status, nlohmann::json details);
  // Function calls (realtime-session-tools.cc): the answer's calls into
  // history (server-side ones with their results), the client's as output
  // items; the history as the LLM's messages.
  void AddToolHistoryLocked(Response& r, const LlmResult& llm);
  void SendFunctionCallsLocked(Response& r, const std::vector<ToolCall>& calls);
  std::vector<ChatMessage> HistoryMessagesLocked() const;
  void OnFunctionItemCreate(const nlohmann::json& item);

  // --- sending (under mutex_) ---
  void SendLocked(nlohmann::json event);
  void SendErrorLocked(const std::string& type, const std::string& code, const std::string& message,
                       const std::string& client_event, const std::string& param = "");
  void Send(nlohmann::json event);
  void SendError(const std::string& code, const std::string& message,
                 const std::string& client_event = "",
                 const std::string& type = "invalid_request_error");
  void AddHistoryLocked(HistoryItem item);
  nlohmann::json SessionObject() const;
  std::string NewId(const char* prefix);

  const std::shared_ptr<const RealtimeServices> services_;
  const bool beta_;
  const SendFn send_;
  const OutputGate output_full_;
  const std::string id_;
  const std::shared_ptr<SerialQueue> queue_;
  const CancelToken closed_;  // fires at Close(): stops ASR and gate jobs

  // Serial-queue state: touched only by queue jobs, one at a time.
  RealtimeSettings settings_;
  std::shared_ptr<const VoiceReference> voice_ref_;  // a library voice, else null
  Resampler input_resampler_;                        // 24 kHz in -> 16 kHz
  TurnDetector detector_;
  std::vector<int16_t> manual_buffer_;       // turn_detection null: audio since the last commit
  int64_t input_samples_ = 0;                // 16 kHz samples received
  std::string speech_item_;                  // item id of the speech in progress
  std::string last_item_id_;                 // for previous_item_id
  std::deque<std::shared_ptr<Turn>> turns_;  // awaiting the gate and ASR, in order
  std::shared_ptr<Turn> live_turn_;          // the speech in progress, recognised live
  bool response_after_turns_ = false;        // response.create waits for turns_
  std::shared_ptr<const VoiceReference> mirror_;  // the caller's last turn
  std::string speaker_prompt_;                    // from the last accepted turn
  std::shared_ptr<TurnTiming> next_timing_;       // the last turn's, for the next answer
  double next_asr_audio_ms_ = -1;

  mutable std::mutex mutex_;  // guards everything below and orders every send
  bool closed_flag_ = false;
  std::shared_ptr<Response> response_;  // the answer in progress
  bool response_pending_ = false;       // a server-VAD turn waits for the current answer
  std::deque<HistoryItem> history_;
  std::size_t history_chars_ = 0;
  uint64_t next_event_ = 0;
  std::atomic<uint64_t> next_id_{0};
};

}  // namespace mv
