#include "asr/asr-wenet.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "asr/asr-wenet-result.h"
#include "audio/audio-encoder.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "net/websocket-client.h"

namespace mv {
namespace {

using nlohmann::json;

// 100 ms of audio per frame, as WeNet's own clients send.
constexpr std::size_t kFrameBytes = 2 * AsrRemote::kSampleRate / 10;

// What the server sent, gathered on the connection's I/O thread and read by
// the waiting compute thread.
class WenetReplies {
 public:
  explicit WenetReplies(std::string who) : who_(std::move(who)) {}

  void OnMessage(const WebSocketMessage& message) {
    if (message.binary) return;
    const std::optional<WenetResult> r = ParseWenetResult(message.data);
    if (!r) return;
    std::lock_guard lock(mutex_);
    if (r->type == WenetResult::Type::kFailed) {
      failure_ = Error(ErrorKind::kUpstream, "wenet_failed",
                       who_ + " failed: " + (r->text.empty() ? "(no message)" : r->text));
    } else if (r->type == WenetResult::Type::kFinal) {
      text_ = JoinTranscript(text_, r->text);
    } else if (r->type == WenetResult::Type::kSpeechEnd) {
      done_ = true;
    }
    cv_.notify_all();
  }

  void OnClose(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_error_ = std::move(error);
    cv_.notify_all();
  }

  // True once the answer is complete (speech_end) or the server failed.
  bool Over() {
    std::lock_guard lock(mutex_);
    return done_ || failure_;
  }

  // Waits up to timeout_ms (from now, or from the last message) for the end.
  std::string Wait(int timeout_ms) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (failure_) throw *failure_;
      if (done_) return text_;
      if (closed_) {
        if (close_error_) throw *close_error_;
        throw Error(ErrorKind::kUpstream, "closed_early",
                    who_ + " closed the connection before speech_end");
      }
      if (cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms)) == std::cv_status::timeout &&
          !done_ && !failure_ && !closed_)
        throw Error(ErrorKind::kTimeout, "no_final_result",
                    who_ + " sent no final result within " + std::to_string(timeout_ms) +
                        " ms of the end of the audio");
    }
  }

 private:
  const std::string who_;
  std::mutex mutex_;            // guards everything below
  std::condition_variable cv_;  // a message came or the connection ended
  std::string text_;
  bool done_ = false;
  std::optional<Error> failure_;
  bool closed_ = false;
  std::optional<Error> close_error_;
};

}  // namespace

AsrWenet::AsrWenet(const AsrConfig& config, std::shared_ptr<HttpClient> http)
    : AsrRemote(config, /*health_path=*/"", std::move(http)) {
  config.wenet.Validate();
}

std::string AsrWenet::Attempt(const std::string& url, const AudioBuffer& audio,
                              const std::string& language, const CancelToken& cancel) {
  const std::string who = "WeNet at " + MaskUrlCredentials(url);
  auto replies = std::make_shared<WenetReplies>(who);
  WebSocketCallbacks callbacks;
  callbacks.on_message = [replies](WebSocketMessage m) { replies->OnMessage(m); };
  callbacks.on_close = [replies](std::optional<Error> e) { replies->OnClose(std::move(e)); };
  WebSocketOptions options;
  options.connect_timeout_ms = config_.remote.connect_timeout_ms;
  options.send_timeout_ms = config_.remote.idle_timeout_ms;
  options.verify_tls = config_.verify_tls;
  auto ws = WebSocketClient::Connect(*http_->io(), url, options, cancel, std::move(callbacks));

  const json start = {{"signal", "start"},
                      {"nbest", config_.wenet.nbest},
                      {"continuous_decoding", config_.wenet.continuous_decoding}};
  try {
    ws->SendText(start.dump());
    const std::string pcm = ToPcm16(audio.samples.data(), audio.samples.size());
    for (std::size_t offset = 0; offset < pcm.size() && !replies->Over(); offset += kFrameBytes)
      ws->SendBinary(std::string_view(pcm).substr(offset, kFrameBytes));
    if (!replies->Over()) ws->SendText(R"({"signal": "end"})");
  } catch (const Error& e) {
    // The server stops reading once it has answered (or failed): what it
    // said before dropping us decides.
    if (e.kind() == ErrorKind::kCancelled) throw;
    std::string text = replies->Wait(config_.remote.connect_timeout_ms);
    ws->Close(1000, "", 500);
    return text;
  }
  std::string text = replies->Wait(config_.remote.first_byte_timeout_ms);
  ws->Close(1000, "", 500);  // the server drops the connection itself; don't wait long
  return text;
}

}  // namespace mv
