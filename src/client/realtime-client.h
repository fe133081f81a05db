// One conversation with a /v1/realtime server (docs/realtime.md, current
// event names): connects, configures the session, streams the source's
// audio (or typed turns), plays the answers into the sink, prints both
// sides' transcripts and a latency line per turn, and ends after the
// requested number of responses.
//
// Threading: Run() owns the calling thread (it reads the server's events);
// a sender thread streams the source. ToggleTalking() may be called from
// any thread. The source and sink must outlive Run().
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>

#include "client/audio-io.h"
#include "client/client-config.h"
#include "net/net-io.h"

namespace mv {

class WebSocketClient;

class RealtimeClient {
 public:
  // `source` may be null (typed turns); `sink` may be null (answers not kept).
  RealtimeClient(ClientConfig config, AudioSource* source, AudioSink* sink, std::ostream& out,
                 std::ostream& err);
  ~RealtimeClient();
  RealtimeClient(const RealtimeClient&) = delete;
  RealtimeClient& operator=(const RealtimeClient&) = delete;

  // The process exit code: 0 when the requested turns completed (or, with
  // no limit, the user stopped), 1 on failure, 130 when `stop` (Ctrl-C)
  // cut short a limited conversation. Never throws.
  int Run(const std::atomic<bool>& stop);

  // Push-to-talk with a microphone: start or end the user's turn.
  void ToggleTalking();
  bool talking() const { return talk_wanted_; }

 private:
  enum class Outcome { kRunning, kDone, kFailed };

  void Connect(const std::atomic<bool>& stop);
  nlohmann::json WaitFor(const std::string& type, const std::string& event_id,
                         const std::atomic<bool>& stop);
  void Send(nlohmann::json event);
  void StreamSource();
  void SendNextText();
  Outcome Handle(const nlohmann::json& event);
  Outcome OnResponseDone(const nlohmann::json& event);
  void CloseAssistantLine();
  void Finish(bool completed, const std::atomic<bool>& stop);

  ClientConfig config_;
  AudioSource* source_;
  AudioSink* sink_;
  std::ostream& out_;
  std::ostream& err_;
  int turns_ = 0;  // 0 = unlimited
  std::string url_;
  NetIo io_{1};  // before ws_: the connection runs on it
  std::unique_ptr<WebSocketClient> ws_;
  std::thread sender_;
  std::atomic<int> next_event_id_{0};
  std::atomic<bool> sender_stop_{false};
  std::atomic<bool> input_done_{false};
  std::atomic<bool> response_active_{false};
  std::atomic<bool> talk_wanted_{false};

  // Run()'s thread only.
  std::string response_id_;          // the response in progress
  std::string dropped_response_id_;  // barged in: its late audio is not played
  bool assistant_line_open_ = false;
  bool transcript_printed_ = false;
  int responses_done_ = 0;
  std::size_t texts_sent_ = 0;
  bool failed_ = false;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace mv
