// The "echo" fallback: when no language model is connected, the reply says
// so and repeats what the user said, so a spoken conversation still works
// end to end and never pretends to be an assistant. Streams like any Llm:
// callbacks run on the client's I/O thread, never on the caller's.
#pragma once

#include <memory>
#include <string>

#include "llm/llm.h"

namespace mv {

class EchoLlm final : public Llm {
 public:
  static constexpr const char* kPrefix =
      "No language model is connected, so I will repeat what I heard: ";

  // A null client gives the engine its own, with one I/O thread.
  explicit EchoLlm(std::shared_ptr<HttpClient> client = nullptr);
  // Waits for the replies still being delivered. Never from their callbacks.
  ~EchoLlm() override;

  void StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                  LlmDeltaFn on_delta, LlmDoneFn on_done) override;

  // The whole reply to `messages`: kPrefix + the last user message.
  static std::string Reply(const std::vector<ChatMessage>& messages);

 private:
  struct Pending;
  std::shared_ptr<Pending> pending_;
  std::shared_ptr<HttpClient> client_;  // last: destroyed first
};

}  // namespace mv
