// The "openai" engine: streams POST <endpoint>/chat/completions from any
// OpenAI-compatible server, failing over across LlmConfig::endpoints.
//
// Failover: endpoints are tried in configured order, those cooling down
// last. The next one takes over on DNS/connect/TLS failure, no first token
// (content or thinking) within first_token_timeout_ms, silence of that long
// mid-answer, HTTP 429/5xx and every other status except 400/413/422, a
// mid-stream error, or a stream that breaks off. 401/403/404 fail over too:
// they mean a misconfigured endpoint, and the next may be fine. 400/413/422
// blame the request itself, which any compatible server would refuse again:
// those end the call at once without cooling the endpoint down. A failed
// endpoint cools down for cooldown_ms.
//
// No word twice: text from a failed endpoint is already with the listener,
// so the retry sends it back as a trailing assistant message (a prefill that
// llama.cpp, Ollama and most local servers continue), and a ResumeFilter
// drops output that only repeats it (servers that ignore prefill and start
// over). LlmResult::text is exactly what on_delta delivered.
#pragma once

#include <memory>
#include <string>

#include "llm/endpoint-pool.h"
#include "llm/llm.h"

namespace mv {

class OpenAiLlm final : public Llm {
 public:
  // A null client gives this engine its own, with one I/O thread.
  explicit OpenAiLlm(LlmConfig config, std::shared_ptr<HttpClient> client = nullptr);
  // Cancels calls in flight and waits for their on_done. Never destroy the
  // engine from inside one of its callbacks.
  ~OpenAiLlm() override;

  void StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                  LlmDeltaFn on_delta, LlmDoneFn on_done) override;

  // ".../v1" -> ".../v1/chat/completions"; a full .../chat/completions URL
  // stays; a URL with no path gets "/v1/chat/completions".
  static std::string CompletionsUrl(const std::string& endpoint_url);
  const EndpointPool& pool() const;

 private:
  struct Shared;
  class Call;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<HttpClient> client_;  // last: destroyed first, while shared_ lives
};

}  // namespace mv
