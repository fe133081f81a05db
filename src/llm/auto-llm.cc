#include "llm/auto-llm.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "llm/echo-llm.h"
#include "llm/openai-llm.h"
#include "net/http-client.h"

namespace mv {
namespace {

const char* kFix =
    "set llm.endpoints in the config (or MIRRORVOX_LLM__URL=http://HOST:PORT/v1), or start "
    "Ollama, LM Studio, llama.cpp server, vLLM or LocalAI on this machine";

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

AutoLlm::AutoLlm(LlmConfig config, std::shared_ptr<HttpClient> client)
    : config_(std::move(config)),
      fallback_(config_.EffectiveFallback()),
      client_(client ? std::move(client) : std::make_shared<HttpClient>(1)),
      echo_(std::make_unique<EchoLlm>(client_)) {
  if (!config_.endpoints.empty()) {
    spdlog::info("LLM: {} configured endpoint{} (fallback: {})", config_.endpoints.size(),
                 config_.endpoints.size() == 1 ? "" : "s", fallback_);
    return;
  }
  if (config_.discover && !config_.discover_urls.empty()) {
    discovery_ = std::make_unique<LlmDiscovery>(
        LlmDiscovery::Options{config_.discover_urls, config_.discover_interval_ms, 3000}, client_);
    spdlog::info("LLM: none configured; looking for a local one every {} s; until then {}",
                 config_.discover_interval_ms / 1000,
                 fallback_ == "echo" ? "replies are in echo mode" : "chat answers 503");
    discovery_->Start();
    return;
  }
  spdlog::warn("LLM: none configured and discovery off: {} ({})",
               fallback_ == "echo" ? "replies are in echo mode" : "chat answers 503", kFix);
}

AutoLlm::~AutoLlm() = default;

OpenAiLlm& AutoLlm::Engine(const std::string& key, const LlmConfig& config) {
  auto& slot = engines_[key];
  if (!slot) slot = std::make_unique<OpenAiLlm>(config, client_);
  return *slot;
}

AutoLlm::Route AutoLlm::Pick(const std::optional<std::string>& model) {
  const std::string wanted = model.value_or("");
  std::lock_guard lock(mutex_);
  if (!config_.endpoints.empty()) {
    LlmConfig c = config_;
    if (!wanted.empty()) {
      // The endpoints serving that model, in configured order, answer it.
      std::erase_if(c.endpoints, [&](const LlmEndpoint& e) { return e.model != wanted; });
      if (!c.endpoints.empty()) return {&Engine("configured:" + wanted, c), false};
      c = config_;
    }
    return {&Engine("configured:", c), false};
  }
  if (!discovery_) return {};
  LlmDiscoveryState state = discovery_->State();
  if (!state.found) return {};
  const DiscoveredLlm& found = *state.found;
  const std::string m = !wanted.empty() && Contains(found.models, wanted) ? wanted : found.model;
  LlmConfig c = config_;
  c.endpoints = {{found.base_url, "", m}};
  return {&Engine("discovered:" + found.base_url + "|" + m, c), true};
}

std::string AutoLlm::NoModelReason() const {
  if (discovery_) {
    LlmDiscoveryState state = discovery_->State();
    if (state.rounds == 0) return "still looking for a local language model server";
    return state.reason;
  }
  return config_.discover ? "no llm.endpoints configured and llm.discover_urls is empty"
                          : "no llm.endpoints configured and llm.discover is off";
}

void AutoLlm::NoteFailure(const std::string& why) {
  std::lock_guard lock(mutex_);
  last_error_ = why;
}

void AutoLlm::StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                         LlmDeltaFn on_delta, LlmDoneFn on_done) {
  Route route = Pick(options.model);
  if (!route.engine) {
    if (fallback_ == "echo") {
      echo_->StreamChat(std::move(messages), std::move(options), std::move(cancel),
                        std::move(on_delta), std::move(on_done));
      return;
    }
    LlmResult result;
    result.error = Error(ErrorKind::kUnavailable, "no_llm_endpoint",
                         "no language model is connected (" + NoModelReason() + "); " + kFix);
    if (on_done) on_done(std::move(result));
    return;
  }
  // On failure before any text, echo takes over when the fallback says so.
  auto retry = fallback_ == "echo" ? std::make_shared<std::vector<ChatMessage>>(messages)
                                   : std::shared_ptr<std::vector<ChatMessage>>();
  auto done = [this, retry, discovered = route.discovered, options, cancel, on_delta,
               on_done = std::move(on_done)](LlmResult result) mutable {
    if (result.ok() || result.error->kind() == ErrorKind::kCancelled ||
        result.error->kind() == ErrorKind::kInternal) {
      if (on_done) on_done(std::move(result));
      return;
    }
    NoteFailure(result.error->what());
    if (discovered && discovery_) discovery_->ProbeSoon();  // it may have gone away
    if (!retry || !result.text.empty()) {
      if (on_done) on_done(std::move(result));
      return;
    }
    spdlog::warn("LLM failed ({}): answering in echo mode", result.error->what());
    echo_->StreamChat(std::move(*retry), std::move(options), std::move(cancel), std::move(on_delta),
                      std::move(on_done));
  };
  route.engine->StreamChat(std::move(messages), options, cancel, on_delta, std::move(done));
}

LlmStatus AutoLlm::Status() const {
  LlmStatus s;
  s.fallback = fallback_;
  s.discover = discovery_ != nullptr;
  {
    std::lock_guard lock(mutex_);
    s.last_error = last_error_;
  }
  if (!config_.endpoints.empty()) {
    s.mode = "configured";
    s.url = config_.endpoints.front().url;
    s.model = config_.endpoints.front().model;
    for (const auto& e : config_.endpoints)
      if (!e.model.empty() && !Contains(s.models, e.model)) s.models.push_back(e.model);
    return s;
  }
  if (discovery_) {
    LlmDiscoveryState state = discovery_->State();
    if (state.found) {
      s.mode = "discovered";
      s.server = state.found->server;
      s.url = state.found->base_url;
      s.model = state.found->model;
      s.models = state.found->models;
      return s;
    }
  }
  s.mode = fallback_ == "echo" ? "echo" : "none";
  s.reason = NoModelReason();
  s.fix = kFix;
  return s;
}

}  // namespace mv
