// In-process engine doubles for RealtimeSession tests: an ASR that answers
// from a script, a TTS that speaks a short tone per word, an LLM that streams
// a reply word by word (optionally slowly, optionally failing), and a
// transport that records every event the session sends.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "asr/asr.h"
#include "common/error.h"
#include "llm/llm.h"
#include "realtime/realtime-services.h"
#include "realtime/vad.h"
#include "tts/tts.h"

namespace mv::test {

class FakeAsr : public Asr {
 public:
  int SampleRate() const override { return 16000; }
  AsrResult Transcribe(const AudioBuffer& audio, const CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    last_seconds_ = audio.DurationSeconds();
    if (!script_.empty()) {
      std::string text = script_.front();
      script_.pop_front();
      return {text, "en"};
    }
    return {default_text_, "en"};
  }
  void Push(std::string text) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(text));
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  double last_seconds() const {
    std::lock_guard lock(mutex_);
    return last_seconds_;
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  std::deque<std::string> script_;
  std::string default_text_ = "what is the capital of france";
  int calls_ = 0;
  double last_seconds_ = 0;
};

// 50 ms of a 200 Hz tone per word at 16 kHz, in 10 ms chunks.
class FakeTts : public Tts {
 public:
  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    int words = 1;
    for (char c : request.text) words += c == ' ';
    std::vector<float> chunk(160);
    for (int i = 0; i < words * 5; ++i) {
      if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
      for (int k = 0; k < 160; ++k)
        chunk[k] = 0.3f * static_cast<float>(std::sin((i * 160 + k) * 0.0785));
      if (!on_chunk(chunk.data(), chunk.size(), 16000))
        throw Error(ErrorKind::kCancelled, "cancelled", "stopped");
    }
  }
  std::vector<std::string> Voices() const override { return {"alpha", "beta"}; }
  std::vector<TtsRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;  // guards requests_
  std::vector<TtsRequest> requests_;
};

class FakeLlm : public Llm {
 public:
  ~FakeLlm() override { JoinAll(); }

  void StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                  LlmDeltaFn on_delta, LlmDoneFn on_done) override {
    std::string reply;
    int delay_ms;
    bool fail;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back({messages, options});
      reply = reply_;
      delay_ms = token_delay_ms_;
      fail = fail_;
    }
    std::lock_guard lock(mutex_);
    threads_.emplace_back([=, this] {
      LlmResult result;
      if (fail) {
        result.error = Error(ErrorKind::kUnavailable, "llm_unavailable", "connection refused");
        on_done(result);
        return;
      }
      std::size_t pos = 0;
      while (pos < reply.size()) {
        std::size_t next = reply.find(' ', pos + 1);
        if (next == std::string::npos) next = reply.size();
        for (int waited = 0; waited < delay_ms && !cancel.IsCancelled(); waited += 5)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (cancel.IsCancelled()) {
          {
            std::lock_guard l(mutex_);
            ++cancelled_;
          }
          result.error = Error(ErrorKind::kCancelled, "cancelled", "cancelled");
          on_done(result);
          return;
        }
        const std::string token = reply.substr(pos, next - pos);
        result.text += token;
        on_delta(token);
        pos = next;
      }
      result.finish_reason = "stop";
      on_done(result);
    });
  }

  void SetReply(std::string reply, int token_delay_ms = 0) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
    token_delay_ms_ = token_delay_ms;
  }
  void SetFail(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }
  struct Call {
    std::vector<ChatMessage> messages;
    ChatOptions options;
  };
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  void JoinAll() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  std::string reply_ = "Paris is the capital. It is a lovely city.";
  int token_delay_ms_ = 0;
  bool fail_ = false;
  std::vector<Call> calls_;
  int cancelled_ = 0;
  std::vector<std::thread> threads_;
};

// Collects the session's events; waits for them.
class EventLog {
 public:
  void Add(const std::string& text) {
    std::lock_guard lock(mutex_);
    events_.push_back(nlohmann::json::parse(text));
    cv_.notify_all();
  }
  std::vector<nlohmann::json> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // Index of the first event at or after `from` that `match` accepts, or -1
  // after `timeout_ms`.
  int WaitFor(const std::function<bool(const nlohmann::json&)>& match, std::size_t from = 0,
              int timeout_ms = 5000) const {
    std::unique_lock lock(mutex_);
    int found = -1;
    cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      for (std::size_t i = from; i < events_.size(); ++i)
        if (match(events_[i])) {
          found = static_cast<int>(i);
          return true;
        }
      return false;
    });
    return found;
  }
  int WaitForType(const std::string& type, std::size_t from = 0, int timeout_ms = 5000) const {
    return WaitFor([&](const nlohmann::json& e) { return e["type"] == type; }, from, timeout_ms);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::mutex mutex_;  // guards events_
  mutable std::condition_variable cv_;
  std::vector<nlohmann::json> events_;
};

// What every session test starts from: these engines on `pool`, the real
// VAD, engine voice "alpha".
inline std::shared_ptr<RealtimeServices> SessionServices(Asr& asr, Tts& tts, Llm& llm,
                                                         ThreadPool& pool) {
  auto s = std::make_shared<RealtimeServices>();
  s->asr = &asr;
  s->tts = &tts;
  s->llm = &llm;
  s->compute = &pool;
  s->vad = CreateVad({});
  s->engine_voices = tts.Voices();
  s->engine_voice = "alpha";
  return s;
}

}  // namespace mv::test
