#include "asr/asr-funasr.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "asr/asr-funasr-result.h"
#include "audio/audio-encoder.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "net/websocket-client.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Online mode has no final pass: after the end of the audio, this much
// quiet means the server has said everything.
constexpr int kOnlineSettleMs = 500;

// What the server sent, gathered on the connection's I/O thread and read by
// the waiting compute thread.
class FunAsrReplies {
 public:
  explicit FunAsrReplies(bool online) : online_(online) {}

  void OnMessage(const WebSocketMessage& message) {
    if (message.binary) return;
    const std::optional<FunAsrResult> result = ParseFunAsrResult(message.data);
    if (!result) return;
    const std::string& mode = result->mode;
    const std::string& text = result->text;
    std::lock_guard lock(mutex_);
    last_message_ = Clock::now();
    if (!speaking_) ++after_end_;
    if (mode.ends_with("offline")) {  // "offline", "2pass-offline": final for its segment
      offline_text_ = JoinTranscript(offline_text_, text);
      if (!speaking_) done_ = true;
    } else if (mode == "online") {
      online_text_ = JoinTranscript(online_text_, text);
    } else if (mode.empty() && !speaking_) {
      done_ = true;  // the C++ 2pass server's last answer when it heard nothing has no mode
    }
    cv_.notify_all();
  }

  void OnClose(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_error_ = std::move(error);
    cv_.notify_all();
  }

  // Before {"is_speaking": false} goes out: from now on an offline result is final.
  void AudioEnded() {
    std::lock_guard lock(mutex_);
    speaking_ = false;
    ended_at_ = Clock::now();
  }

  std::string Wait(int timeout_ms, const std::string& who) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (done_) return offline_text_;
      const auto now = Clock::now();
      if (online_ && after_end_ > 0 &&
          now >= last_message_ + std::chrono::milliseconds(kOnlineSettleMs))
        return online_text_;
      if (closed_) {
        if (close_error_) throw *close_error_;
        throw Error(ErrorKind::kUpstream, "closed_early",
                    who + " closed the connection before the final result");
      }
      const auto deadline =
          std::max(ended_at_, last_message_) + std::chrono::milliseconds(timeout_ms);
      if (now >= deadline)
        throw Error(ErrorKind::kTimeout, "no_final_result",
                    who + " sent no final result within " + std::to_string(timeout_ms) +
                        " ms of the end of the audio. FunASR reports no errors: a setting it "
                        "rejects (asr.funasr.mode not served there, chunk_size, hotwords that "
                        "are not valid JSON) makes it silent; see the server's log");
      auto until = deadline;
      if (online_ && after_end_ > 0)
        until = std::min(until, last_message_ + std::chrono::milliseconds(kOnlineSettleMs));
      cv_.wait_until(lock, until);
    }
  }

 private:
  const bool online_;
  std::mutex mutex_;            // guards everything below
  std::condition_variable cv_;  // a message came or the connection ended
  bool speaking_ = true;
  Clock::time_point ended_at_{};
  Clock::time_point last_message_{};
  int after_end_ = 0;  // messages since the end of the audio
  std::string offline_text_;
  std::string online_text_;
  bool done_ = false;
  bool closed_ = false;
  std::optional<Error> close_error_;
};

std::string StartFrame(const FunAsrConfig& c) {
  static std::atomic<unsigned> counter{0};
  nlohmann::ordered_json j = {{"mode", c.mode},
                              {"wav_name", "mirrorvox-" + std::to_string(++counter)},
                              {"wav_format", "pcm"},
                              {"is_speaking", true},
                              {"chunk_size", c.chunk_size},
                              {"chunk_interval", c.chunk_interval},
                              {"audio_fs", AsrRemote::kSampleRate},
                              {"hotwords", c.hotwords},
                              {"itn", c.itn}};
  return j.dump();
}

}  // namespace

AsrFunAsr::AsrFunAsr(const AsrConfig& config, std::shared_ptr<HttpClient> http)
    : AsrRemote(config, /*health_path=*/"", std::move(http)) {
  config.funasr.Validate();
}

std::string AsrFunAsr::Attempt(const std::string& url, const AudioBuffer& audio,
                               const std::string& language, const CancelToken& cancel) {
  const FunAsrConfig& c = config_.funasr;
  auto replies = std::make_shared<FunAsrReplies>(c.mode == "online");
  WebSocketCallbacks callbacks;
  callbacks.on_message = [replies](WebSocketMessage m) { replies->OnMessage(m); };
  callbacks.on_close = [replies](std::optional<Error> e) { replies->OnClose(std::move(e)); };
  WebSocketOptions options;
  options.connect_timeout_ms = config_.remote.connect_timeout_ms;
  options.send_timeout_ms = config_.remote.idle_timeout_ms;
  options.verify_tls = config_.verify_tls;
  auto ws = WebSocketClient::Connect(*http_->io(), url, options, cancel, std::move(callbacks));

  ws->SendText(StartFrame(c));
  const std::string pcm = ToPcm16(audio.samples.data(), audio.samples.size());
  // The reference client's stride; no real-time pacing, the clip is whole.
  const std::size_t stride =
      2 * std::max<std::size_t>(1, 960u * static_cast<unsigned>(c.chunk_size[1]) /
                                       static_cast<unsigned>(c.chunk_interval));
  for (std::size_t offset = 0; offset < pcm.size(); offset += stride)
    ws->SendBinary(std::string_view(pcm).substr(offset, stride));
  replies->AudioEnded();
  ws->SendText(R"({"is_speaking": false})");
  std::string text =
      replies->Wait(config_.remote.first_byte_timeout_ms, "FunASR at " + MaskUrlCredentials(url));
  ws->Close(1000, "", 1000);  // the client closes (the server never does)
  return text;
}

}  // namespace mv
