// The client side of bench/realtime-bench: one /v1/realtime session that
// streams prepared append events at real-time pace and stamps, per turn, when
// the server's events arrived. Header-only: bench/*.cc are each a program.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.h"
#include "net/websocket-client.h"
#include "support/test-net.h"

namespace mvbench {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;
using json = nlohmann::json;

constexpr int kLeadMs = 200;       // silence before the first question
constexpr int kGapMs = 300;        // silence after an answer, before the next question
constexpr int kTurnTimeoutS = 20;  // speech end -> response.done, else the turn failed

// The audio every session sends, as ready append events: identical for all,
// so the client spends no CPU on encoding while it measures.
struct Script {
  int chunk_ms = 40;
  std::string silence;              // one chunk of zeros
  std::vector<std::string> speech;  // the question; its last chunk holds the last speech sample
  double speech_seconds = 0;
};

// What the client saw of one turn.
struct Turn {
  Clock::time_point speech_end;  // the chunk with the last speech sample was written
  std::optional<Clock::time_point> speech_stopped, first_audio, done;
  std::string first_segment;  // text of the first spoken segment
  std::string status;         // of response.done
  json timing;                // response.done's timing (ms from speech_stopped)
  double lag_ms = 0;          // latest chunk the client sent between speech end and first audio
  bool timed_out = false;
};

inline bool Contains(const std::string& s, std::string_view what) {
  return s.find(what) != std::string::npos;
}

// One /v1/realtime client: a sender thread paces the audio; events are
// stamped on the WebSocket client's I/O thread as they arrive.
class Session {
 public:
  explicit Session(int id) : id_(id) {}
  ~Session() { ws_.reset(); }  // first: no callback runs after this

  // Connects and waits for session.created.
  bool Connect(const std::string& url) {
    mv::WebSocketCallbacks cb;
    cb.on_message = [this](mv::WebSocketMessage m) { OnMessage(m.data); };
    cb.on_close = [this](std::optional<mv::Error> e) {
      std::lock_guard lock(mutex_);
      if (e && !closing_) problems_.push_back(std::string("connection broke: ") + e->what());
      closed_ = true;
      cv_.notify_all();
    };
    try {
      ws_ = mv::WebSocketClient::Connect(mv::TestNet(), url, {}, mv::CancelToken(), std::move(cb));
    } catch (const mv::Error& e) {
      std::lock_guard lock(mutex_);
      problems_.push_back(std::string("connect: ") + e.what());
      return false;
    }
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10), [&] { return created_ || closed_; }) ||
        !created_) {
      problems_.push_back("no session.created");
      return false;
    }
    return true;
  }

  // Streams `turns` questions from `start` on, each followed by silence until
  // its response.done (or a timeout) and a short gap: a microphone never stops.
  void Run(const Script& script, Clock::time_point start, int turns) {
    const auto chunk = std::chrono::milliseconds(script.chunk_ms);
    auto due = start;
    auto send = [&](const std::string& event) {
      due += chunk;  // a chunk leaves once the microphone has recorded it
      std::this_thread::sleep_until(due);
      last_lag_ms_ = Ms(Clock::now() - due).count();
      try {
        ws_->SendText(event);
        return true;
      } catch (const mv::Error& e) {
        std::lock_guard lock(mutex_);
        problems_.push_back(std::string("send: ") + e.what());
        return false;
      }
    };
    for (int i = 0; i < kLeadMs / script.chunk_ms; ++i)
      if (!send(script.silence)) return;
    for (int t = 0; t < turns; ++t) {
      {
        std::lock_guard lock(mutex_);
        turns_.emplace_back();
      }
      for (const auto& event : script.speech)
        if (!send(event)) return;
      const auto speech_end = Clock::now();
      {
        std::lock_guard lock(mutex_);
        turns_.back().speech_end = speech_end;
      }
      const auto deadline = speech_end + std::chrono::seconds(kTurnTimeoutS);
      for (;;) {
        {
          std::lock_guard lock(mutex_);
          Turn& turn = turns_.back();
          if (!turn.first_audio) turn.lag_ms = std::max(turn.lag_ms, last_lag_ms_);
          if (turn.done || closed_) break;
          if (Clock::now() > deadline) {
            turn.timed_out = true;
            break;
          }
        }
        if (!send(script.silence)) return;
      }
      for (int i = 0; i < kGapMs / script.chunk_ms; ++i)
        if (!send(script.silence)) return;
    }
  }

  void Close() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    if (ws_) ws_->Close(1000, {}, 2000);
  }

  int id() const { return id_; }
  int silence_ms() const {
    std::lock_guard lock(mutex_);
    return silence_ms_;
  }
  std::vector<Turn> turns() const {
    std::lock_guard lock(mutex_);
    return turns_;
  }
  std::vector<std::string> problems() const {
    std::lock_guard lock(mutex_);
    return problems_;
  }

 private:
  void OnMessage(const std::string& data) {
    const auto now = Clock::now();
    // Audio deltas are most of the traffic: recognised without parsing (a
    // type value never occurs inside base64).
    if (Contains(data, "\"response.output_audio.delta\"") ||
        Contains(data, "\"response.audio.delta\"")) {
      std::lock_guard lock(mutex_);
      if (!turns_.empty() && !turns_.back().first_audio) turns_.back().first_audio = now;
      return;
    }
    const json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
    std::lock_guard lock(mutex_);
    if (!j.is_object()) {
      problems_.push_back("unparseable event: " + data.substr(0, 120));
      return;
    }
    const std::string type = j.value("type", "");
    Turn* turn = turns_.empty() ? nullptr : &turns_.back();
    if (type == "session.created") {
      created_ = true;
      const json& s = j.value("session", json::object());
      json td = s.value("turn_detection", json());  // beta shape
      if (s.contains("audio"))                      // current shape
        td = s["audio"].value("input", json::object()).value("turn_detection", json());
      if (td.is_object()) silence_ms_ = td.value("silence_duration_ms", -1);
      cv_.notify_all();
    } else if (type == "error") {
      const json& e = j.value("error", json::object());
      problems_.push_back("error event " + e.value("code", json("")).dump() + ": " +
                          e.value("message", ""));
    } else if (!turn) {
      return;
    } else if (type == "input_audio_buffer.speech_stopped") {
      if (!turn->speech_stopped) turn->speech_stopped = now;
    } else if (type == "response.output_audio_transcript.delta" ||
               type == "response.audio_transcript.delta") {
      if (turn->first_segment.empty()) turn->first_segment = j.value("delta", "");
    } else if (type == "response.done") {
      turn->done = now;
      turn->status = j.value("response", json::object()).value("status", "");
      turn->timing = j.value("timing", json::object());
      cv_.notify_all();
    }
  }

  const int id_;
  double last_lag_ms_ = 0;                   // sender thread only
  std::unique_ptr<mv::WebSocketClient> ws_;  // set by Connect(), before the sender runs

  mutable std::mutex mutex_;    // guards everything below (I/O thread vs sender)
  std::condition_variable cv_;  // created_, closed_
  bool created_ = false;
  bool closed_ = false;
  bool closing_ = false;
  int silence_ms_ = -1;  // turn_detection.silence_duration_ms from session.created
  std::vector<Turn> turns_;
  std::vector<std::string> problems_;
};

}  // namespace mvbench
