// Finds an OpenAI-compatible chat server on this machine when none is
// configured: each base URL of llm.discover_urls in order gets GET
// /v1/models, then GET /api/tags (Ollama's own list, which tells chat models
// from embedding ones); the first that serves a chat model wins. A round runs
// at Start() and then every interval, and at ProbeSoon() (a discovered server
// failed). Everything is asynchronous on the HttpClient's I/O threads, which
// it never blocks; State() may be read from any thread.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mv {

class HttpClient;

struct DiscoveredLlm {
  std::string server;               // "Ollama", "LM Studio", "vLLM", ...
  std::string base_url;             // "http://127.0.0.1:11434/v1"
  std::string model;                // the first chat model: the default
  std::vector<std::string> models;  // every chat model it serves, `model` first
};

struct LlmDiscoveryState {
  std::optional<DiscoveredLlm> found;
  std::string reason;  // why nothing was found (unset found), for logs and /healthz
  int rounds = 0;      // finished rounds
};

class LlmDiscovery {
 public:
  struct Options {
    std::vector<std::string> urls;  // base URLs ("http://127.0.0.1:11434")
    int interval_ms = 30000;
    int timeout_ms = 3000;  // per request: connect, then first byte
  };

  // A null client gives the discovery its own, with one I/O thread.
  explicit LlmDiscovery(Options options, std::shared_ptr<HttpClient> client = nullptr);
  // Stops the rounds; no callback of this object runs afterwards. Never from
  // one of the client's callbacks.
  ~LlmDiscovery();
  LlmDiscovery(const LlmDiscovery&) = delete;
  LlmDiscovery& operator=(const LlmDiscovery&) = delete;

  void Start();      // the first round now, then one every interval
  void ProbeSoon();  // a round now, unless one is running
  LlmDiscoveryState State() const;

  // Chat model ids of an OpenAI /v1/models body (embedding and reranking
  // models left out by name), in the server's order.
  static std::vector<std::string> ChatModelsFromOpenAi(const nlohmann::json& body);
  // Chat models of an Ollama /api/tags body: embedding models (BERT
  // families such as nomic-bert, or "embed" in the name) left out.
  static std::vector<std::string> ChatModelsFromOllamaTags(const nlohmann::json& body);
  // What usually listens at this base URL / answered like this.
  static std::string ServerName(const std::string& base_url, const std::string& owned_by,
                                bool ollama);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::shared_ptr<HttpClient> client_;  // last: destroyed first, joining its threads
};

}  // namespace mv
