#include "llm/echo-llm.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "net/http-client.h"

namespace mv {

struct EchoLlm::Pending {
  std::mutex mutex;  // guards count
  std::condition_variable idle;
  int count = 0;
};

EchoLlm::EchoLlm(std::shared_ptr<HttpClient> client)
    : pending_(std::make_shared<Pending>()),
      client_(client ? std::move(client) : std::make_shared<HttpClient>(1)) {}

EchoLlm::~EchoLlm() {
  std::unique_lock lock(pending_->mutex);
  pending_->idle.wait(lock, [&] { return pending_->count == 0; });
}

std::string EchoLlm::Reply(const std::vector<ChatMessage>& messages) {
  std::string heard;
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->role == "user") {
      heard = it->content;
      break;
    }
  }
  const auto first = heard.find_first_not_of(" \t\r\n");
  heard = first == std::string::npos ? "" : heard.substr(first);
  while (!heard.empty() && std::isspace(static_cast<unsigned char>(heard.back()))) heard.pop_back();
  return std::string(kPrefix) + (heard.empty() ? "nothing yet." : heard);
}

void EchoLlm::StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                         LlmDeltaFn on_delta, LlmDoneFn on_done) {
  {
    std::lock_guard lock(pending_->mutex);
    ++pending_->count;
  }
  // Delivered on an I/O thread, as a network reply would be: the caller may
  // hold the lock its callbacks take.
  client_->RunAfter(0, [pending = pending_, reply = Reply(messages), cancel = std::move(cancel),
                        on_delta = std::move(on_delta), on_done = std::move(on_done)] {
    const auto start = std::chrono::steady_clock::now();
    LlmResult result;
    result.model = "echo";
    if (cancel.IsCancelled()) {
      result.error = Error(ErrorKind::kCancelled, "cancelled", "LLM call cancelled");
    } else {
      try {
        // The label first, as its own piece: a listener hears it at once.
        const std::size_t cut = std::char_traits<char>::length(kPrefix);
        for (std::string_view piece :
             {std::string_view(reply).substr(0, cut), std::string_view(reply).substr(cut)}) {
          if (cancel.IsCancelled()) break;
          if (result.text.empty())
            result.first_token_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
          result.text += piece;
          if (on_delta) on_delta(piece);
        }
        if (cancel.IsCancelled())
          result.error = Error(ErrorKind::kCancelled, "cancelled", "LLM call cancelled");
        else
          result.finish_reason = "stop";
      } catch (const std::exception& e) {
        spdlog::error("LLM on_delta threw: {}", e.what());
        result.error = Error(ErrorKind::kInternal, "callback_threw",
                             std::string("on_delta threw: ") + e.what());
      }
    }
    result.total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (on_done) {
      try {
        on_done(std::move(result));
      } catch (const std::exception& e) {
        spdlog::error("LLM on_done threw: {}", e.what());
      }
    }
    std::lock_guard lock(pending->mutex);
    if (--pending->count == 0) pending->idle.notify_all();
  });
}

}  // namespace mv
