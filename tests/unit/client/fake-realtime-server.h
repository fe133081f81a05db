// A scripted /v1/realtime server for the client's unit tests: answers
// session.created / session.update like docs/realtime.md, then runs the
// test's script on a thread of its own per connection. ws:// or wss://
// (a fresh self-signed certificate).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server/http-server.h"

namespace mvtest {

class FakeRealtimeSession {
 public:
  explicit FakeRealtimeSession(std::shared_ptr<mv::WebSocketSession> ws);

  // The next client event of `type`, skipping others (all are recorded);
  // null after timeout_ms or when the client is gone.
  nlohmann::json Expect(const std::string& type, int timeout_ms = 10000);
  void Send(nlohmann::json event);
  // A whole spoken response: created, transcript delta, `audio_chunks`
  // deltas of 480 samples at `level`, done with `status` and timing.
  void SendResponse(const std::string& id, const std::string& text, int audio_chunks,
                    float level = 0.25f, const std::string& status = "completed");
  void SendAudio(const std::string& response_id, int chunks, float level);

  const nlohmann::json& session_update() const { return session_update_; }
  std::vector<nlohmann::json> events() const;  // every client event so far
  int appended_samples() const;
  mv::WebSocketSession& ws() { return *ws_; }

 private:
  friend class FakeRealtimeServer;
  std::shared_ptr<mv::WebSocketSession> ws_;
  nlohmann::json session_update_;
  mutable std::mutex mutex_;  // guards events_, appended_samples_
  std::vector<nlohmann::json> events_;
  std::size_t read_ = 0;  // events_ already looked at by Expect()
  int appended_samples_ = 0;
  int next_id_ = 0;
};

class FakeRealtimeServer {
 public:
  using Script = std::function<void(FakeRealtimeSession& session)>;

  explicit FakeRealtimeServer(Script script, bool tls = false);
  ~FakeRealtimeServer();

  int port() const { return server_->port(); }
  std::string url() const;  // ws(s)://127.0.0.1:PORT/v1/realtime
  std::string cert_file() const { return cert_file_; }
  // The sessions so far (the script of each has finished when this returns
  // after Wait()).
  std::vector<std::shared_ptr<FakeRealtimeSession>> sessions() const;
  void Wait();  // joins the scripts that have started

 private:
  Script script_;
  bool tls_ = false;
  std::string cert_file_;
  std::unique_ptr<mv::HttpServer> server_;
  mutable std::mutex mutex_;  // guards sessions_, threads_
  std::vector<std::shared_ptr<FakeRealtimeSession>> sessions_;
  std::vector<std::thread> threads_;
};

}  // namespace mvtest
