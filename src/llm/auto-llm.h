// The Llm the server talks to: the configured llm.endpoints; with none, the
// server an LlmDiscovery found on this machine; with neither (or when they
// fail and llm.fallback says echo), the labelled EchoLlm, or a 503 error
// "no_llm_endpoint" (fallback: error). ChatOptions::model picks one of the
// models it offers (Status().models). Status() says which is in use and why,
// for /healthz, the web page and `mirrorvox doctor`.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llm/llm-discovery.h"
#include "llm/llm.h"

namespace mv {

class EchoLlm;
class OpenAiLlm;

struct LlmStatus {
  // "configured" (llm.endpoints), "discovered", "echo" (no model: echo
  // replies) or "none" (no model: chat fails, llm.fallback: error).
  std::string mode;
  std::string server;               // discovered: "Ollama", "LM Studio", ...
  std::string url;                  // the endpoint that answers by default
  std::string model;                // its model ("" = the server's default)
  std::vector<std::string> models;  // the models a client may pick
  std::string reason;               // echo / none: why no model answers
  std::string fix;                  // echo / none: the one thing to change
  std::string last_error;           // the last call that failed over to echo or failed
  bool discover = false;            // discovery is running
  std::string fallback;             // "echo" or "error"
};

class AutoLlm final : public Llm {
 public:
  // A null client gives the engine its own, with one I/O thread. Discovery
  // starts here when llm.endpoints is empty and llm.discover is on.
  explicit AutoLlm(LlmConfig config, std::shared_ptr<HttpClient> client = nullptr);
  // Cancels and waits for calls in flight. Never from their callbacks.
  ~AutoLlm() override;

  void StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                  LlmDeltaFn on_delta, LlmDoneFn on_done) override;

  LlmStatus Status() const;
  const LlmDiscovery* discovery() const { return discovery_.get(); }

 private:
  struct Route {
    OpenAiLlm* engine = nullptr;  // null: no model
    bool discovered = false;
  };
  Route Pick(const std::optional<std::string>& model);
  OpenAiLlm& Engine(const std::string& key, const LlmConfig& config);  // mutex_ held
  std::string NoModelReason() const;
  void NoteFailure(const std::string& why);

  const LlmConfig config_;
  const std::string fallback_;  // "echo" or "error"
  std::shared_ptr<HttpClient> client_;
  std::unique_ptr<LlmDiscovery> discovery_;

  mutable std::mutex mutex_;  // guards engines_ and last_error_
  std::string last_error_;
  std::unique_ptr<EchoLlm> echo_;
  // One per endpoint set or discovered (url, model), kept until destruction
  // so calls in flight never lose their engine; few ever exist. Last: their
  // calls finish (and may turn to echo_) while everything above still lives.
  std::map<std::string, std::unique_ptr<OpenAiLlm>> engines_;
};

}  // namespace mv
