#include "realtime/realtime-session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "common/client-text.h"
#include "common/error.h"
#include "common/json-dump.h"

namespace mv {
namespace {

using json = nlohmann::json;

constexpr int kQueuePriority = -1;  // ahead of TTS jobs: barge-in must not wait behind them

std::string RandomTag() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return text;
}

// GA event names -> beta; conversation.item.done has no beta twin.
const std::map<std::string, std::string>& BetaNames() {
  static const std::map<std::string, std::string> names = {
      {"response.output_audio.delta", "response.audio.delta"},
      {"response.output_audio.done", "response.audio.done"},
      {"response.output_audio_transcript.delta", "response.audio_transcript.delta"},
      {"response.output_audio_transcript.done", "response.audio_transcript.done"},
      {"response.output_text.delta", "response.text.delta"},
      {"response.output_text.done", "response.text.done"},
      {"conversation.item.added", "conversation.item.created"},
  };
  return names;
}

}  // namespace

std::shared_ptr<RealtimeSession> RealtimeSession::Create(
    std::shared_ptr<const RealtimeServices> services, bool beta, SendFn send,
    OutputGate output_full) {
  return std::shared_ptr<RealtimeSession>(
      new RealtimeSession(std::move(services), beta, std::move(send), std::move(output_full)));
}

RealtimeSession::RealtimeSession(std::shared_ptr<const RealtimeServices> services, bool beta,
                                 SendFn send, OutputGate output_full)
    : services_(std::move(services)),
      beta_(beta),
      send_(std::move(send)),
      output_full_(std::move(output_full)),
      id_("sess_" + RandomTag()),
      queue_(SerialQueue::Create(*services_->compute, kQueuePriority, services_->max_queued_bytes)),
      settings_(RealtimeSettings::FromConfig(services_->defaults, services_->system_prompt)),
      input_resampler_(RealtimeAudioOut::kRate, TurnDetector::kRate),
      detector_(services_->vad->NewStream(settings_.threshold), TurnDetectorOptions{}) {
  detector_.SetOptions(DetectorOptions());
}

RealtimeSession::~RealtimeSession() = default;

void RealtimeSession::Start() {
  // The configured default voice is checked like a client's.
  if (!settings_.voice.empty() && settings_.voice != "mirror" &&
      std::find(services_->engine_voices.begin(), services_->engine_voices.end(),
                settings_.voice) == services_->engine_voices.end()) {
    try {
      if (services_->library_voice) voice_ref_ = services_->library_voice(settings_.voice);
    } catch (const Error& e) {
      spdlog::warn("realtime: realtime.voice '{}' is not usable ({}); using the engine's",
                   settings_.voice, e.what());
    }
    if (!voice_ref_) settings_.voice.clear();
  }
  Send({{"type", "session.created"}, {"session", SessionObject()}});
}

void RealtimeSession::OnText(std::string text) {
  const std::size_t cost = std::max<std::size_t>(text.size(), 1);
  auto self = shared_from_this();
  if (!queue_->Post([self, text = std::move(text)] { self->Handle(text); }, cost)) {
    std::lock_guard lock(mutex_);
    if (!closed_flag_)
      SendErrorLocked("invalid_request_error", "buffer_full",
                      "too many client events are waiting to be processed; this one was dropped",
                      "");
  }
}

void RealtimeSession::OnBinary() {
  SendError("invalid_json", "binary frames are not part of the protocol: send JSON text events");
}

void RealtimeSession::Close() {
  queue_->Stop();
  closed_.Cancel();
  std::shared_ptr<Response> running;
  {
    std::lock_guard lock(mutex_);
    closed_flag_ = true;
    running.swap(response_);
  }
  if (running) running->cancel.Cancel();
}

void RealtimeSession::Handle(const std::string& text) {
  if (closed_.IsCancelled()) return;
  const json event = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded() || !event.is_object()) {
    SendError("invalid_json", "the event is not a JSON object");
    return;
  }
  std::string client_event;
  if (auto it = event.find("event_id"); it != event.end() && it->is_string())
    client_event = it->get<std::string>();
  auto type_it = event.find("type");
  if (type_it == event.end() || !type_it->is_string()) {
    SendError("unknown_event", "the event has no string 'type'", client_event);
    return;
  }
  const std::string type = type_it->get<std::string>();
  try {
    if (type == "input_audio_buffer.append") {
      OnAppend(event, client_event);
    } else if (type == "session.update") {
      OnSessionUpdate(event, client_event);
    } else if (type == "input_audio_buffer.commit") {
      OnCommit(client_event);
    } else if (type == "input_audio_buffer.clear") {
      OnClear();
    } else if (type == "conversation.item.create") {
      OnItemCreate(event, client_event);
    } else if (type == "response.create") {
      OnResponseCreate(event, client_event);
    } else if (type == "response.cancel") {
      OnResponseCancel(client_event);
    } else {
      SendError("unknown_event", "unknown event type '" + QuotableText(type, 64) + "'",
                client_event);
    }
  } catch (const Error& e) {
    if (IsServerSide(e)) spdlog::warn("realtime: {}: {}", e.code(), e.what());
    SendError(e.code(), ClientMessage(e), client_event);
  } catch (const json::exception&) {
    // nlohmann's own text names its internals, never the client's field.
    SendError("invalid_value",
              "an event field has the wrong type (see the event's documented shape)", client_event);
  }
}

void RealtimeSession::OnSessionUpdate(const json& event, const std::string& client_event) {
  auto it = event.find("session");
  if (it == event.end())
    throw Error(ErrorKind::kInvalidInput, "invalid_value", "session.update needs 'session'");
  RealtimeSettings next = ApplySessionUpdate(settings_, *it);
  std::shared_ptr<const VoiceReference> ref = voice_ref_;
  if (next.voice != settings_.voice) {
    ref = nullptr;
    const auto& engine = services_->engine_voices;
    const bool known = next.voice.empty() || next.voice == "mirror" || next.voice == "default" ||
                       std::find(engine.begin(), engine.end(), next.voice) != engine.end();
    if (!known) {
      try {
        if (services_->library_voice) ref = services_->library_voice(next.voice);
      } catch (const Error&) {
      }
      if (!ref)
        throw Error(
            ErrorKind::kInvalidInput, "unknown_voice",
            "unknown voice '" + next.voice +
                "': use an engine voice, a voice-library id or 'mirror' (GET /v1/audio/voices)");
    }
    if (next.voice == "default") next.voice.clear();
  }
  settings_ = std::move(next);
  voice_ref_ = std::move(ref);
  detector_.SetOptions(DetectorOptions());
  if (!settings_.server_vad) {
    detector_.Clear();
    DropLiveTurn();
  }
  Send({{"type", "session.updated"}, {"session", SessionObject()}});
}

void RealtimeSession::OnItemCreate(const json& event, const std::string& client_event) {
  const json& item = event.at("item");
  if (item.is_object() && (item.value("type", "") == "function_call_output" ||
                           item.value("type", "") == "function_call")) {
    OnFunctionItemCreate(item);
    return;
  }
  if (!item.is_object() || item.value("type", "message") != "message")
    throw Error(ErrorKind::kInvalidInput, "invalid_value",
                "only items of type 'message', 'function_call' and 'function_call_output' are "
                "supported");
  const std::string role = item.value("role", "user");
  if (role != "user" && role != "assistant" && role != "system")
    throw Error(ErrorKind::kInvalidInput, "invalid_value",
                "item.role must be user, assistant or system");
  std::string text;
  for (const json& part : item.value("content", json::array())) {
    const std::string type = part.value("type", "");
    if (type != "input_text" && type != "text" && type != "output_text")
      throw Error(ErrorKind::kInvalidInput, "invalid_value",
                  "message content must be input_text (or text) parts; got '" + type + "'");
    if (!text.empty()) text += "\n";
    text += part.at("text").get<std::string>();
  }
  std::string id = item.value("id", "");
  if (id.empty()) id = NewId("item");
  json stored = {{"id", id},
                 {"object", "realtime.item"},
                 {"type", "message"},
                 {"role", role},
                 {"status", "completed"},
                 {"content", item.value("content", json::array())}};
  std::lock_guard lock(mutex_);
  AddHistoryLocked({id, role, text, {}, ""});
  SendLocked({{"type", "conversation.item.added"},
              {"previous_item_id", last_item_id_.empty() ? json(nullptr) : json(last_item_id_)},
              {"item", stored}});
  SendLocked({{"type", "conversation.item.done"}, {"item", stored}});
  last_item_id_ = id;
}

void RealtimeSession::OnResponseCreate(const json& event, const std::string& client_event) {
  std::optional<std::string> instructions;
  if (auto r = event.find("response"); r != event.end() && r->is_object()) {
    if (auto i = r->find("instructions"); i != r->end() && i->is_string())
      instructions = i->get<std::string>();
  }
  if (!turns_.empty()) {  // answer the turn being recognised, once it is
    response_after_turns_ = true;
    return;
  }
  auto timing = std::move(next_timing_);
  const double audio_ms = next_asr_audio_ms_;
  next_asr_audio_ms_ = -1;
  if (!StartResponse(timing, audio_ms, instructions))
    SendError("conversation_already_has_active_response",
              "a response is in progress: cancel it or wait for response.done", client_event);
}

void RealtimeSession::OnResponseCancel(const std::string& client_event) {
  if (!CancelResponse("client_cancelled"))
    SendError("response_cancel_not_active", "there is no response in progress to cancel",
              client_event);
}

void RealtimeSession::Send(json event) {
  std::lock_guard lock(mutex_);
  SendLocked(std::move(event));
}

void RealtimeSession::SendError(const std::string& code, const std::string& message,
                                const std::string& client_event, const std::string& type) {
  std::lock_guard lock(mutex_);
  SendErrorLocked(type, code, message, client_event);
}

void RealtimeSession::SendErrorLocked(const std::string& type, const std::string& code,
                                      const std::string& message, const std::string& client_event,
                                      const std::string& param) {
  SendLocked({{"type", "error"},
              {"error",
               {{"type", type},
                {"code", code},
                {"message", message},
                {"param", param.empty() ? json(nullptr) : json(param)},
                {"event_id", client_event.empty() ? json(nullptr) : json(client_event)}}}});
}

void RealtimeSession::SendLocked(json event) {
  if (closed_flag_) return;
  std::string type = event["type"].get<std::string>();
  if (beta_) {
    if (type == "conversation.item.done") return;
    if (auto it = BetaNames().find(type); it != BetaNames().end()) event["type"] = it->second;
  }
  event["event_id"] = "event_" + std::to_string(++next_event_);
  send_(SafeDump(event));
}

void RealtimeSession::AddHistoryLocked(HistoryItem item) {
  history_chars_ += item.text.size();
  history_.push_back(std::move(item));
  while (history_.size() > 1 && history_chars_ > services_->max_history_chars) {
    history_chars_ -= history_.front().text.size();
    history_.pop_front();
  }
}

json RealtimeSession::SessionObject() const {
  const std::string shown = settings_.voice.empty() ? services_->engine_voice : settings_.voice;
  return SessionJson(settings_, id_, shown, beta_);
}

std::string RealtimeSession::NewId(const char* prefix) {
  return std::string(prefix) + "_" + id_.substr(5, 8) + std::to_string(++next_id_);
}

}  // namespace mv
