// The GPT-SoVITS voice chat server's API (PROTOCOLS.md A1), kept drop-in.
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "common/client-text.h"
#include "common/json-dump.h"
#include "server/http-server.h"
#include "server/routes/route-util.h"
#include "server/routes/turn-support.h"
#include "server/routes/voice-support.h"

namespace mv {
namespace {

using nlohmann::json;

// SSE for /api/chat. The original clients read every non-empty line as
// json.loads(line[6:]) and base64-decode "file" of every non-done event, so
// the stream holds nothing but `data: {...}` lines: no comments, no events
// without audio, no JSON error body once the request was valid. A segment
// whose speech failed is left out and listed in the done event.
class ChatEventStream {
 public:
  explicit ChatEventStream(std::shared_ptr<Responder> responder, std::shared_ptr<TurnTiming> timing)
      : responder_(std::move(responder)), timing_(std::move(timing)) {}

  void Event(const json& event) {
    std::lock_guard lock(mutex_);
    StartLocked();
    responder_->Write("data: " + SafeDump(event) + "\n\n");
    timing_->Mark(Stage::kFirstByteSent);
  }

  void SegmentFailed(const SpokenSegment& s, const Error& e) {
    std::lock_guard lock(mutex_);
    failed_.push_back(
        {{"index", s.number}, {"message", s.display_text}, {"error", ErrorJson(e)}});
  }

  void Done(const ChatTurnResult& result) {
    std::lock_guard lock(mutex_);
    if (result.cancelled) {  // nobody is listening
      if (started_) responder_->End();
      return;
    }
    StartLocked();
    json last = {{"file", nullptr}, {"message", result.text}, {"done", true},
                 {"timing", timing_->ToJson()}};
    if (result.error) last["error"] = ErrorJson(*result.error);
    if (!failed_.empty()) last["failed_segments"] = failed_;
    responder_->Write("data: " + SafeDump(last) + "\n\n");
    responder_->End();
  }

  // The rate of the audio last sent (TTS engines differ), for back-pressure.
  void set_rate(int rate) { rate_ = rate; }
  int rate() const { return rate_; }

  // Our words only: a TTS or LLM server's URL or socket error stays in the log.
  static json ErrorJson(const Error& e) {
    if (IsServerSide(e)) spdlog::warn("/api/chat: {}: {}", e.code(), e.what());
    return {{"code", e.code()}, {"message", ClientMessage(e)}};
  }

 private:
  void StartLocked() {
    if (started_) return;
    responder_->StartStream(200, "text/event-stream");
    started_ = true;
  }

  std::shared_ptr<Responder> responder_;
  std::shared_ptr<TurnTiming> timing_;
  std::mutex mutex_;  // guards started_, failed_ and the order of writes to the responder
  bool started_ = false;
  json failed_ = json::array();  // segments whose speech failed, for the done event
  std::atomic<int> rate_{16000};
};

}  // namespace

void RegisterMoeChatRoutes(HttpServer& server, ServerContext& ctx) {
  // {"data": "<base64 WAV>"} -> "transcript" (JSON string), or
  // voiceprint.reject_body (null or "None") when the gate refuses the speaker.
  server.Route("POST", "/api/asr", [&ctx](std::shared_ptr<HttpRequest> req,
                                          std::shared_ptr<Responder> responder) {
    // Parse on the I/O thread: cheap, and bad JSON is answered at once.
    std::string data = RequireJsonObjectField(req->body, "data");
    RunOnCompute(ctx, responder, [&ctx, data = std::move(data)](const CancelToken& cancel) {
      std::string bytes = Base64Decode(data);
      AudioBuffer audio = DecodeAudio(bytes, ctx.config.audio, ctx.asr->SampleRate());
      // Voiceprint gate before recognition: a stranger (or too little speech
      // to tell) gets null, as the original answers; X-Voiceprint says why.
      HeaderList speaker_headers;
      if (auto check = CheckSpeaker(ctx, audio, cancel)) {
        speaker_headers = SpeakerHeaders(ctx, *check);
        if (GateRefuses(ctx, *check)) {
          // null (0.99) or "None" (0.1.x): what that generation's client checks for.
          HttpResponse refused = HttpResponse::Json(200, ctx.config.voiceprint.RejectJson());
          refused.headers = std::move(speaker_headers);
          return refused;
        }
      }
      audio = Resample(audio, ctx.asr->SampleRate());
      AsrResult result = ctx.asr->Transcribe(audio, cancel);
      HttpResponse response = HttpResponse::Json(200, SafeDump(json(result.text)));
      response.headers = std::move(speaker_headers);
      return response;
    });
  });

  // {"msg": [{"role","content"}...], "voice"?: "<library id>"} -> SSE, one
  // event per spoken segment:
  // {"file": urlsafe-b64 WAV, "message": text, "done": false}, then
  // {"file": null, "message": whole reply, "done": true, "timing": {...},
  //  "error"?: {code, message}, "failed_segments"?: [{index, message, error}]}.
  server.Route("POST", "/api/chat", [&ctx](std::shared_ptr<HttpRequest> req,
                                           std::shared_ptr<Responder> responder) {
    auto timing = std::make_shared<TurnTiming>();
    ChatTurnRequest turn = BaseTurnRequest(ctx);
    try {
      turn.messages = ParseMessages(req->body, "msg");
      // Optional "voice": a library voice id speaks the answer.
      turn.reference = LibraryReference(ctx, OptionalJsonString(req->body, "voice"));
    } catch (const Error& e) {
      CountRejected("/api/chat", e);
      throw;
    }
    auto events = std::make_shared<ChatEventStream>(responder, timing);
    ChatTurnSink sink;
    sink.on_segment = [events](const SpokenSegment& s, const AudioBuffer& audio) {
      events->set_rate(audio.sample_rate);
      events->Event({{"file", Base64UrlEncode(EncodeAudio(audio, AudioFormat::kWav))},
                     {"message", s.display_text},
                     {"done", false}});
    };
    sink.on_segment_error = [events](const SpokenSegment& s, const Error& e) {
      events->SegmentFailed(s, e);  // never silent: the done event names it
    };
    // Each event is a whole segment as 16-bit WAV in base64: 8/3 bytes a sample.
    sink.output_full = ResponderGate(
        responder, [&ctx, events] { return QueuedAudioLimit(ctx, events->rate() * 8.0 / 3.0); });
    sink.on_done = [events, timing](const ChatTurnResult& result) {
      FinishTurn("/api/chat", result, *timing);  // metrics first: a client may read them next
      events->Done(result);
    };
    ChatTurn::Start(*ctx.llm, *ctx.tts, *ctx.compute, std::move(turn), responder->cancel(), timing,
                    std::move(sink));
  });
}

}  // namespace mv
