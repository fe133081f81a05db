#include "fake-realtime-server.h"

#include <chrono>
#include <cmath>

#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "server/tls-self-signed.h"
#include "support/server-process.h"

namespace mvtest {

using json = nlohmann::json;

FakeRealtimeSession::FakeRealtimeSession(std::shared_ptr<mv::WebSocketSession> ws)
    : ws_(std::move(ws)) {}

json FakeRealtimeSession::Expect(const std::string& type, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      while (read_ < events_.size()) {
        const json& e = events_[read_++];
        if (e.value("type", "") == type) return e;
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto m = ws_->Receive(static_cast<int>(left.count()));
    if (!m) return nullptr;
    json e = json::parse(m->data, nullptr, false);
    std::lock_guard lock(mutex_);
    if (e.value("type", "") == "input_audio_buffer.append")
      appended_samples_ += static_cast<int>(mv::Base64Decode(e.value("audio", "")).size() / 2);
    events_.push_back(std::move(e));
  }
}

void FakeRealtimeSession::Send(json event) {
  event["event_id"] = "event_" + std::to_string(++next_id_);
  ws_->SendText(event.dump());
}

void FakeRealtimeSession::SendAudio(const std::string& response_id, int chunks, float level) {
  std::vector<float> tone(480);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = level * static_cast<float>(std::sin(2 * M_PI * 440.0 * i / 24000.0));
  for (int c = 0; c < chunks; ++c)
    Send({{"type", "response.output_audio.delta"},
          {"response_id", response_id},
          {"item_id", "item_" + response_id},
          {"output_index", 0},
          {"content_index", 0},
          {"delta", mv::Base64Encode(mv::ToPcm16(tone.data(), tone.size()))}});
}

void FakeRealtimeSession::SendResponse(const std::string& id, const std::string& text,
                                       int audio_chunks, float level, const std::string& status) {
  Send({{"type", "response.created"},
        {"response", {{"id", id}, {"object", "realtime.response"}, {"status", "in_progress"}}}});
  Send({{"type", "response.output_audio_transcript.delta"},
        {"response_id", id},
        {"item_id", "item_" + id},
        {"delta", text}});
  SendAudio(id, audio_chunks, level);
  Send({{"type", "response.done"},
        {"response", {{"id", id}, {"status", status}}},
        {"timing",
         {{"asr_ms", 120},
          {"llm_first_token_ms", 310},
          {"first_audio_ms", 420},
          {"done_ms", 900}}}});
}

std::vector<json> FakeRealtimeSession::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

int FakeRealtimeSession::appended_samples() const {
  std::lock_guard lock(mutex_);
  return appended_samples_;
}

FakeRealtimeServer::FakeRealtimeServer(Script script, bool tls)
    : script_(std::move(script)), tls_(tls) {
  mv::HttpServerOptions options;
  options.io_threads = 1;
  if (tls) {
    mv::SelfSignedOptions names;
    names.dns_names = {"localhost"};
    names.ip_addresses = {"127.0.0.1"};
    mv::PemPair pair = mv::MakeSelfSigned(names);
    options.tls_cert_pem = pair.cert_pem;
    options.tls_key_pem = pair.key_pem;
    cert_file_ = TempDir() + "/cert.pem";
    WriteFile(cert_file_, pair.cert_pem);
  }
  server_ = std::make_unique<mv::HttpServer>(options);
  server_->RouteWebSocket("/v1/realtime", [this](std::shared_ptr<mv::WebSocketSession> ws) {
    auto session = std::make_shared<FakeRealtimeSession>(ws);
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
    threads_.emplace_back([this, session] {
      session->Send({{"type", "session.created"},
                     {"session", {{"id", "sess_1"}, {"object", "realtime.session"}}}});
      json update = session->Expect("session.update");
      if (update.is_null()) return;
      session->session_update_ = update;
      // The one voice this server lacks, as the real one refuses unknown voices.
      if (update["session"].value("/audio/output/voice"_json_pointer, "") == "no-such-voice") {
        session->Send({{"type", "error"},
                       {"error",
                        {{"type", "invalid_request_error"},
                         {"code", "unknown_voice"},
                         {"message", "unknown voice 'no-such-voice'"},
                         {"event_id", update.value("event_id", "")}}}});
        return;
      }
      session->Send({{"type", "session.updated"}, {"session", update["session"]}});
      script_(*session);
    });
  });
  server_->Start();
}

FakeRealtimeServer::~FakeRealtimeServer() {
  Wait();
  server_->Stop();
}

std::string FakeRealtimeServer::url() const {
  return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port()) +
         "/v1/realtime";
}

std::vector<std::shared_ptr<FakeRealtimeSession>> FakeRealtimeServer::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_;
}

void FakeRealtimeServer::Wait() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

}  // namespace mvtest
