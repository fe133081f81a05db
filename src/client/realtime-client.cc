#include "client/realtime-client.h"

#include <spdlog/spdlog.h>

#include "client/realtime-events.h"
#include "common/error.h"
#include "net/websocket-client.h"

namespace mv {

using json = nlohmann::json;

namespace {

constexpr int kSetupTimeoutMs = 10000;

// Why a connection failed, with the hint a user needs.
std::string ConnectFailure(const Error& e, const std::string& url) {
  std::string why = e.what();
  if (e.code() == "connect_failed" || e.code() == "dns_failed")
    return why + " (" + url + "; is `mirrorvox serve` running there?)";
  if (e.code() == "upgrade_refused")
    return why + " (is " + url + " a mirrorvox server? its realtime endpoint is /v1/realtime)";
  if (e.code() == "tls_failed") return why + " [--ca-file PEM trusts a CA, --insecure trusts any]";
  return why;
}

std::string Str(const json& event, const char* key) {
  auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

RealtimeClient::RealtimeClient(ClientConfig config, AudioSource* source, AudioSink* sink,
                               std::ostream& out, std::ostream& err)
    : config_(std::move(config)), source_(source), sink_(sink), out_(out), err_(err) {
  turns_ = config_.EffectiveTurns();
}

RealtimeClient::~RealtimeClient() {
  sender_stop_ = true;
  if (source_) source_->Stop();
  if (sender_.joinable()) sender_.join();
}

void RealtimeClient::Connect(const std::atomic<bool>& stop) {
  url_ = NormalizeRealtimeUrl(config_.url);
  WebSocketOptions options;
  options.verify_tls = !config_.insecure;
  options.ca_file = config_.ca_file;
  options.connect_timeout_ms = kSetupTimeoutMs;
  // Ctrl-C while connecting (a host that drops packets takes the whole timeout).
  CancelToken cancel;
  std::atomic<bool> connected{false};
  std::thread watch([&] {
    while (!connected && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (stop) cancel.Cancel();
  });
  try {
    ws_ = WebSocketClient::Connect(io_, url_, options, cancel);
  } catch (const Error& e) {
    connected = true;
    watch.join();
    if (e.kind() == ErrorKind::kCancelled)
      throw Error(ErrorKind::kCancelled, "interrupted", "interrupted while connecting");
    throw Error(e.kind(), e.code(), ConnectFailure(e, url_));
  }
  connected = true;
  watch.join();
}

// The first event of `type`, or throws: an error event (answering
// `event_id` or none), a closed connection, or kSetupTimeoutMs.
json RealtimeClient::WaitFor(const std::string& type, const std::string& event_id,
                             const std::atomic<bool>& stop) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSetupTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (stop) throw Error(ErrorKind::kCancelled, "interrupted", "interrupted while connecting");
    std::optional<WebSocketMessage> m;
    try {
      m = ws_->Receive(100);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kTimeout) continue;
      throw;
    }
    if (!m)
      throw Error(ErrorKind::kUpstream, "closed",
                  "the server closed the connection (code " + std::to_string(ws_->close_code()) +
                      (ws_->close_reason().empty() ? "" : ", " + ws_->close_reason()) + ")");
    json event = json::parse(m->data, nullptr, false);
    if (!event.is_object()) continue;
    std::string got = Str(event, "type");
    if (got == type) return event;
    if (got == "error") {
      std::string answers =
          event.value("error", json::object()).is_object() ? Str(event["error"], "event_id") : "";
      if (answers.empty() || answers == event_id)
        throw Error(ErrorKind::kUpstream, "server_error", "server error: " + DescribeError(event));
      err_ << "server error: " << DescribeError(event) << "\n";
    }
  }
  throw Error(ErrorKind::kTimeout, "setup_timeout",
              "no " + type + " from " + url_ + " within " + std::to_string(kSetupTimeoutMs / 1000) +
                  " s (is it a realtime endpoint?)");
}

void RealtimeClient::Send(json event) {
  event["event_id"] = "evt_client_" + std::to_string(++next_event_id_);
  ws_->SendText(event.dump());
}

int RealtimeClient::Run(const std::atomic<bool>& stop) {
  try {
    Connect(stop);
    WaitFor("session.created", "", stop);
    json update = SessionUpdateEvent(config_);
    Send(update);
    WaitFor("session.updated", "evt_client_" + std::to_string(next_event_id_.load()), stop);
  } catch (const Error& e) {
    err_ << "mirrorvox client: " << e.what() << "\n";
    if (ws_) ws_->Close();
    return e.code() == "interrupted" ? 130 : 1;
  }
  err_ << "connected to " << url_ << "\n";

  last_activity_ = std::chrono::steady_clock::now();
  if (source_) {
    sender_ = std::thread([this] { StreamSource(); });
  } else {
    SendNextText();
  }

  Outcome outcome = Outcome::kRunning;
  bool interrupted = false;
  while (outcome == Outcome::kRunning) {
    if (stop) {
      interrupted = true;
      break;
    }
    auto now = std::chrono::steady_clock::now();
    // The idle clock starts once our turn is spoken or typed.
    if ((source_ && source_->speaking() && !input_done_) || turns_ == 0) last_activity_ = now;
    if (now - last_activity_ > std::chrono::seconds(config_.timeout_s)) {
      CloseAssistantLine();
      err_ << "mirrorvox client: no answer from the server for " << config_.timeout_s
           << " s (--timeout)\n";
      outcome = Outcome::kFailed;
      break;
    }
    std::optional<WebSocketMessage> m;
    try {
      m = ws_->Receive(100);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kTimeout) continue;
      CloseAssistantLine();
      err_ << "mirrorvox client: connection to " << url_ << " lost: " << e.what() << "\n";
      outcome = Outcome::kFailed;
      break;
    }
    if (!m) {
      CloseAssistantLine();
      err_ << "mirrorvox client: the server closed the connection (code " << ws_->close_code()
           << (ws_->close_reason().empty() ? "" : ", " + ws_->close_reason()) << ")\n";
      outcome = Outcome::kFailed;
      break;
    }
    last_activity_ = std::chrono::steady_clock::now();
    json event = json::parse(m->data, nullptr, false);
    if (!event.is_object()) {
      err_ << "mirrorvox client: ignoring a message that is not a JSON object\n";
      continue;
    }
    try {
      outcome = Handle(event);
    } catch (const Error& e) {
      err_ << "mirrorvox client: " << e.what() << "\n";
      failed_ = true;
    }
  }
  if (interrupted) {
    CloseAssistantLine();
    err_ << "interrupted: closing the session\n";
  }
  bool completed = outcome == Outcome::kDone && !failed_;
  Finish(completed, stop);
  if (interrupted) return turns_ == 0 && !failed_ ? 0 : 130;
  return completed ? 0 : 1;
}

void RealtimeClient::Finish(bool completed, const std::atomic<bool>& stop) {
  sender_stop_ = true;
  if (source_) source_->Stop();
  if (sender_.joinable()) sender_.join();
  if (sink_) {
    if (completed) sink_->Drain(stop);  // let the last answer finish playing
    try {
      sink_->Finish();
    } catch (const Error& e) {
      err_ << "mirrorvox client: " << e.what() << "\n";
    }
  }
  if (ws_) ws_->Close();
}

void RealtimeClient::StreamSource() {
  const bool ptt_mic = config_.push_to_talk && config_.uses_microphone();
  bool talking = false;
  std::vector<float> chunk;
  try {
    while (!sender_stop_ && source_->Read(chunk)) {
      if (ptt_mic) {
        bool want = talk_wanted_;
        if (want && !talking) {
          // Talking over the answer interrupts it (no server VAD to do it).
          if (sink_) sink_->Flush();
          if (response_active_) Send({{"type", "response.cancel"}});
          Send({{"type", "input_audio_buffer.clear"}});
        } else if (!want && talking) {
          Send({{"type", "input_audio_buffer.commit"}});
          Send({{"type", "response.create"}});
        }
        talking = want;
        if (!talking) continue;
      }
      Send(AppendEvent(chunk.data(), chunk.size()));
    }
    if (config_.push_to_talk && !config_.input_file.empty() && !sender_stop_) {
      // A file with push-to-talk is one manual turn.
      Send({{"type", "input_audio_buffer.commit"}});
      Send({{"type", "response.create"}});
    }
  } catch (const Error& e) {
    if (!sender_stop_) spdlog::warn("client: sending audio stopped: {}", e.what());
  }
  input_done_ = true;
}

void RealtimeClient::SendNextText() {
  if (texts_sent_ >= config_.texts.size()) return;
  const std::string& text = config_.texts[texts_sent_++];
  out_ << "you: " << text << std::endl;
  Send(TextItemEvent(text));
  Send({{"type", "response.create"}});
  input_done_ = true;
}

void RealtimeClient::CloseAssistantLine() {
  if (assistant_line_open_) out_ << std::endl;
  assistant_line_open_ = false;
}

RealtimeClient::Outcome RealtimeClient::Handle(const json& event) {
  const std::string type = Str(event, "type");
  if (type == "input_audio_buffer.speech_started") {
    // Barge-in: the server cancels the answer in progress; stop hearing it
    // now, and also an answer already complete on the wire but still queued
    // (audio arrives faster than it plays).
    if (response_active_) dropped_response_id_ = response_id_;
    if (sink_) sink_->Flush();
  } else if (type == "conversation.item.input_audio_transcription.completed") {
    CloseAssistantLine();
    out_ << "you: " << Str(event, "transcript") << std::endl;
  } else if (type == "response.created") {
    response_id_ =
        event.value("response", json::object()).is_object() ? Str(event["response"], "id") : "";
    response_active_ = true;
    transcript_printed_ = false;
  } else if (type == "response.output_audio_transcript.delta" ||
             type == "response.audio_transcript.delta" || type == "response.output_text.delta" ||
             type == "response.text.delta") {
    if (Str(event, "response_id") == dropped_response_id_ && !dropped_response_id_.empty())
      return Outcome::kRunning;
    if (!assistant_line_open_) out_ << "assistant: ";
    assistant_line_open_ = true;
    transcript_printed_ = true;
    out_ << Str(event, "delta") << std::flush;
  } else if (type == "response.output_audio_transcript.done" ||
             type == "response.audio_transcript.done") {
    if (!transcript_printed_ && !Str(event, "transcript").empty()) {
      out_ << "assistant: " << Str(event, "transcript") << std::endl;
      transcript_printed_ = true;
    }
  } else if (type == "response.output_audio.delta" || type == "response.audio.delta") {
    std::string id = Str(event, "response_id");
    if (sink_ && (dropped_response_id_.empty() || id != dropped_response_id_)) {
      std::vector<float> samples = DecodeAudioDelta(Str(event, "delta"));
      sink_->Play(samples.data(), samples.size());
    }
  } else if (type == "response.done") {
    return OnResponseDone(event);
  } else if (type == "error") {
    CloseAssistantLine();
    err_ << "server error: " << DescribeError(event) << "\n";
    // A bounded run (file, text) reports it; a live session just goes on.
    if (turns_ > 0) failed_ = true;
  }
  return Outcome::kRunning;
}

RealtimeClient::Outcome RealtimeClient::OnResponseDone(const json& event) {
  json response = event.value("response", json::object());
  if (!response.is_object()) response = json::object();
  std::string status = Str(response, "status");
  response_active_ = false;
  CloseAssistantLine();
  if (status == "cancelled") {
    out_ << "(interrupted)" << std::endl;
    return Outcome::kRunning;  // the user's new turn is on its way
  }
  if (status == "failed" || status == "incomplete") {
    json details = response.value("status_details", json());
    err_ << "response " << status << (details.is_null() ? "" : ": " + details.dump()) << "\n";
    if (turns_ > 0) failed_ = true;
  }
  std::string latency = FormatLatency(event.value("timing", json()));
  if (!latency.empty()) out_ << latency << std::endl;
  ++responses_done_;
  if (turns_ > 0 && responses_done_ >= turns_) return Outcome::kDone;
  if (!config_.texts.empty()) SendNextText();
  return Outcome::kRunning;
}

void RealtimeClient::ToggleTalking() { talk_wanted_ = !talk_wanted_; }

}  // namespace mv
