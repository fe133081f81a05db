// RealtimeSession, output side: one answer per response (ChatTurn), its
// events, barge-in / response.cancel, and the `timing` extension.
#include <spdlog/spdlog.h>

#include "common/client-text.h"
#include "common/error.h"
#include "realtime/realtime-session.h"

namespace mv {
namespace {

using json = nlohmann::json;

json TimingJson(const TurnTiming& timing, double asr_audio_ms) {
  json t = json::object();
  auto put = [&](const char* key, Stage stage) {
    const double ms = timing.MillisAt(stage);
    if (ms >= 0) t[key] = ms;
  };
  put("asr_ms", Stage::kAsrDone);
  put("llm_first_token_ms", Stage::kLlmFirstToken);
  put("first_segment_ms", Stage::kFirstSegmentReady);
  put("first_audio_ms", Stage::kFirstByteSent);
  put("done_ms", Stage::kDone);
  if (timing.tool_ms() > 0) t["tools_ms"] = timing.tool_ms();
  if (asr_audio_ms >= 0) t["asr_audio_ms"] = asr_audio_ms;
  return t;
}

}  // namespace

ChatTurnRequest RealtimeSession::BuildTurnRequest(const std::optional<std::string>& instructions) {
  ChatTurnRequest turn = services_->base_turn;
  std::string prompt = instructions.value_or(settings_.instructions);
  if (!speaker_prompt_.empty()) prompt += (prompt.empty() ? "" : "\n") + speaker_prompt_;
  turn.chat_options.system_prompt = prompt;
  turn.chat_options.temperature = settings_.temperature;
  turn.chat_options.max_tokens = settings_.max_output_tokens;
  if (!settings_.llm_model.empty()) turn.chat_options.model = settings_.llm_model;
  if (!settings_.language.empty()) turn.language = settings_.language;
  turn.chat_options.tools = settings_.tools;
  if (!settings_.tools.empty()) turn.chat_options.tool_choice = settings_.tool_choice;
  if (settings_.voice == "mirror") {
    turn.reference = mirror_;  // none yet (text only): the engine's voice
  } else if (voice_ref_) {
    turn.reference = voice_ref_;
  } else if (!settings_.voice.empty()) {
    turn.voice = settings_.voice;
  }
  return turn;
}

bool RealtimeSession::StartResponse(std::shared_ptr<TurnTiming> timing, double asr_audio_ms,
                                    std::optional<std::string> instructions) {
  auto r = std::make_shared<Response>();
  r->id = NewId("resp");
  r->item_id = NewId("item");
  r->timing = timing ? std::move(timing) : std::make_shared<TurnTiming>();
  r->asr_audio_ms = asr_audio_ms;
  ChatTurnRequest turn = BuildTurnRequest(instructions);
  {
    std::lock_guard lock(mutex_);
    if (closed_flag_) return true;
    if (response_) return false;
    response_ = r;
    turn.messages = HistoryMessagesLocked();
    const json item = {{"id", r->item_id},        {"object", "realtime.item"},
                       {"type", "message"},       {"role", "assistant"},
                       {"status", "in_progress"}, {"content", json::array()}};
    SendLocked({{"type", "response.created"},
                {"response",
                 {{"id", r->id},
                  {"object", "realtime.response"},
                  {"status", "in_progress"},
                  {"status_details", nullptr},
                  {"output", json::array()},
                  {"usage", nullptr}}}});
    SendLocked({{"type", "response.output_item.added"},
                {"response_id", r->id},
                {"output_index", 0},
                {"item", item}});
    SendLocked({{"type", "conversation.item.added"},
                {"previous_item_id", last_item_id_.empty() ? json(nullptr) : json(last_item_id_)},
                {"item", item}});
    SendLocked({{"type", "response.content_part.added"},
                {"response_id", r->id},
                {"item_id", r->item_id},
                {"output_index", 0},
                {"content_index", 0},
                {"part", {{"type", "audio"}, {"transcript", ""}}}});
  }
  last_item_id_ = r->item_id;

  std::weak_ptr<RealtimeSession> weak = weak_from_this();
  ChatTurnSink sink;
  sink.on_audio = [weak, r](const SpokenSegment& s, const float* p, std::size_t n, int rate) {
    if (r->cancel.IsCancelled()) return;
    if (auto self = weak.lock()) self->OnAnswerAudio(r, s, r->out.Push(s.number, p, n, rate));
  };
  sink.on_segment = [weak, r](const SpokenSegment& s, const AudioBuffer&) {
    if (r->cancel.IsCancelled()) return;
    if (auto self = weak.lock()) self->OnAnswerAudio(r, s, r->out.Flush());
  };
  sink.on_segment_error = [id = id_](const SpokenSegment& s, const Error& e) {
    spdlog::warn("realtime {}: segment {} not spoken: {}", id, s.number, e.what());
  };
  sink.output_full = output_full_;  // audio deltas wait while the client is behind
  auto services = services_;
  sink.on_done = [weak, r, services](const ChatTurnResult& result) {
    if (services->on_turn_done) services->on_turn_done(result, *r->timing);
    if (auto self = weak.lock()) self->OnAnswerDone(r, result);
  };
  ChatTurn::Start(*services_->llm, *services_->tts, *services_->compute, std::move(turn), r->cancel,
                  r->timing, std::move(sink));
  return true;
}

void RealtimeSession::OnAnswerAudio(const std::shared_ptr<Response>& r,
                                    const SpokenSegment& segment, std::vector<std::string> chunks) {
  if (chunks.empty()) return;
  std::lock_guard lock(mutex_);
  if (r->finished) return;  // cancelled: nothing more of it goes out
  if (segment.number != r->transcript_segment) {
    r->transcript_segment = segment.number;
    const std::string delta = (r->transcript.empty() ? "" : " ") + segment.segment.text;
    r->transcript += delta;
    SendLocked({{"type", "response.output_audio_transcript.delta"},
                {"response_id", r->id},
                {"item_id", r->item_id},
                {"output_index", 0},
                {"content_index", 0},
                {"delta", delta}});
  }
  for (std::string& chunk : chunks) {
    SendLocked({{"type", "response.output_audio.delta"},
                {"response_id", r->id},
                {"item_id", r->item_id},
                {"output_index", 0},
                {"content_index", 0},
                {"delta", std::move(chunk)}});
  }
  r->timing->Mark(Stage::kFirstByteSent);
}

void RealtimeSession::OnAnswerDone(const std::shared_ptr<Response>& r,
                                   const ChatTurnResult& result) {
  bool start_pending = false;
  {
    std::lock_guard lock(mutex_);
    if (response_ == r) response_.reset();
    if (r->finished) return;  // cancelled earlier: its response.done went out then
    if (result.cancelled) {
      FinishResponseLocked(*r, "cancelled",
                           {{"type", "cancelled"}, {"reason", "client_cancelled"}});
    } else if (result.error) {
      const Error& e = *result.error;
      SendErrorLocked("server_error", "llm_unavailable", ClientMessage(e), "");
      FinishResponseLocked(*r, "failed",
                           {{"type", "failed"},
                            {"error",
                             {{"type", "server_error"},
                              {"code", "llm_unavailable"},
                              {"message", ClientMessage(e)}}}});
    } else {
      AddToolHistoryLocked(*r, result.llm);
      SendFunctionCallsLocked(*r, result.llm.tool_calls);
      FinishResponseLocked(*r, "completed", nullptr);
    }
    start_pending = response_pending_ && !closed_flag_;
    response_pending_ = false;
  }
  if (!start_pending) return;
  auto self = shared_from_this();
  queue_->Post([self] {
    auto timing = std::move(self->next_timing_);
    const double audio_ms = self->next_asr_audio_ms_;
    self->next_asr_audio_ms_ = -1;
    self->StartResponse(timing, audio_ms, std::nullopt);
  });
}

bool RealtimeSession::CancelResponse(const std::string& reason) {
  std::shared_ptr<Response> r;
  {
    std::lock_guard lock(mutex_);
    r.swap(response_);
    if (!r) return false;
    FinishResponseLocked(*r, "cancelled", {{"type", "cancelled"}, {"reason", reason}});
  }
  r->cancel.Cancel();  // outside the lock: the LLM and TTS stop on this thread
  return true;
}

void RealtimeSession::FinishResponseLocked(Response& r, const std::string& status, json details) {
  r.finished = true;
  r.timing->Mark(Stage::kDone);
  const std::string item_status = status == "completed" ? "completed" : "incomplete";
  const json part = {{"type", "audio"}, {"transcript", r.transcript}};
  // Item content is typed "output_audio" in the GA schema, "audio" in beta.
  const json content = {{"type", beta_ ? "audio" : "output_audio"}, {"transcript", r.transcript}};
  const json item = {{"id", r.item_id},     {"object", "realtime.item"}, {"type", "message"},
                     {"role", "assistant"}, {"status", item_status},     {"content", {content}}};
  const json where = {
      {"response_id", r.id}, {"item_id", r.item_id}, {"output_index", 0}, {"content_index", 0}};
  json e = where;
  e["type"] = "response.output_audio.done";
  SendLocked(e);
  e = where;
  e["type"] = "response.output_audio_transcript.done";
  e["transcript"] = r.transcript;
  SendLocked(e);
  e = where;
  e["type"] = "response.content_part.done";
  e["part"] = part;
  SendLocked(e);
  SendLocked({{"type", "response.output_item.done"},
              {"response_id", r.id},
              {"output_index", 0},
              {"item", item}});
  SendLocked({{"type", "conversation.item.done"}, {"item", item}});
  SendLocked({{"type", "response.done"},
              {"response",
               {{"id", r.id},
                {"object", "realtime.response"},
                {"status", status},
                {"status_details", std::move(details)},
                {"output",
                 [&] {
                   json output = json::array({item});
                   for (const json& call : r.function_calls) output.push_back(call);
                   return output;
                 }()},
                {"usage", {{"total_tokens", 0}, {"input_tokens", 0}, {"output_tokens", 0}}}}},
              {"timing", TimingJson(*r.timing, r.asr_audio_ms)}});
  // The conversation keeps what the caller actually heard; the client's
  // pending calls come after it, so their outputs follow them directly.
  if (!r.transcript.empty()) AddHistoryLocked({r.item_id, "assistant", r.transcript, {}, ""});
  for (const json& call : r.function_calls) {
    HistoryItem h{call["id"], "assistant", "", {}, ""};
    h.tool_calls.push_back({call["call_id"], call["name"], call["arguments"]});
    AddHistoryLocked(std::move(h));
  }
}

}  // namespace mv
