#include "llm/llm-discovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/cancel-token.h"
#include "common/error.h"
#include "net/http-client.h"
#include "net/http-url.h"

namespace mv {
namespace {

using json = nlohmann::json;
constexpr std::size_t kMaxBody = 1u << 20;  // a model list, not a download

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool LooksLikeEmbedding(const std::string& name) {
  const std::string n = Lower(name);
  for (const char* word : {"embed", "rerank", "bge-", "minilm"})
    if (n.find(word) != std::string::npos) return true;
  return false;
}

// "http://h:1/v1/" -> "http://h:1": the server's root.
std::string Root(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with("/v1")) url.resize(url.size() - 3);
  return url;
}

using GetDone = std::function<void(int status, const std::string& body, std::optional<Error>)>;

void Get(HttpClient& client, const std::string& url, int timeout_ms, const CancelToken& cancel,
         GetDone done) {
  ClientRequest req;
  req.url = url;
  req.headers = {{"Accept", "application/json"}};
  req.connect_timeout_ms = timeout_ms;
  req.first_byte_timeout_ms = timeout_ms;
  req.idle_timeout_ms = timeout_ms;
  req.max_body_bytes = kMaxBody;
  client.FetchAsync(std::move(req), cancel,
                    [done = std::move(done)](ClientResponse r, std::optional<Error> error) {
                      done(r.status, r.body, std::move(error));
                    });
}

}  // namespace

struct LlmDiscovery::Impl : std::enable_shared_from_this<Impl> {
  Impl(Options o, HttpClient* c) : options(std::move(o)), client(c) {}

  const Options options;
  HttpClient* const client;

  mutable std::mutex mutex;  // guards state, running, stopped, timer_generation, cancel
  LlmDiscoveryState state;
  bool running = false;
  bool stopped = false;
  int timer_generation = 0;  // only the newest timer starts a round
  CancelToken cancel;        // the round in flight

  // The round in flight; its callbacks run one after another.
  std::size_t next = 0;
  std::vector<std::string> misses;

  void StartRound() {
    {
      std::lock_guard lock(mutex);
      if (stopped || running) return;
      running = true;
      cancel = CancelToken();
    }
    next = 0;
    misses.clear();
    ProbeNext();
  }

  CancelToken Token() const {
    std::lock_guard lock(mutex);
    return cancel;
  }

  void ProbeNext() {
    if (next >= options.urls.size()) {
      std::string reason = "no OpenAI-compatible server answered";
      if (!misses.empty()) {
        reason += ": ";
        for (std::size_t i = 0; i < misses.size(); ++i) reason += (i ? "; " : "") + misses[i];
      }
      FinishRound(std::nullopt, reason);
      return;
    }
    const std::string root = Root(options.urls[next++]);
    std::weak_ptr<Impl> weak = weak_from_this();
    Get(*client, root + "/v1/models", options.timeout_ms, Token(),
        [weak, root](int status, const std::string& body, std::optional<Error> error) {
          if (auto self = weak.lock()) self->OnModels(root, status, body, error);
        });
  }

  bool Miss(const std::string& root, const std::string& why) {
    misses.push_back(root + " " + why);
    ProbeNext();
    return false;
  }

  void OnModels(const std::string& root, int status, const std::string& body,
                const std::optional<Error>& error) {
    if (Stopped()) return FinishRound(std::nullopt, "stopped");
    if (error)
      return (void)Miss(root, error->kind() == ErrorKind::kUnavailable
                                  ? std::string("(nothing listening)")
                                  : std::string("(") + error->what() + ")");
    if (status != 200)
      return (void)Miss(root, "(GET /v1/models: HTTP " + std::to_string(status) + ")");
    json list = json::parse(body, nullptr, false);
    if (!list.is_object() || !list.contains("data") || !list["data"].is_array())
      return (void)Miss(root, "(GET /v1/models: not an OpenAI model list)");
    std::string owned_by;
    if (!list["data"].empty() && list["data"][0].is_object())
      owned_by = list["data"][0].value("owned_by", "");
    std::vector<std::string> models = ChatModelsFromOpenAi(list);
    // Ollama's own list says which are embedding models; others 404 here.
    std::weak_ptr<Impl> weak = weak_from_this();
    Get(*client, root + "/api/tags", options.timeout_ms, Token(),
        [weak, root, models, owned_by](int status, const std::string& body,
                                       std::optional<Error> error) {
          auto self = weak.lock();
          if (!self) return;
          if (self->Stopped()) return self->FinishRound(std::nullopt, "stopped");
          std::vector<std::string> chat = models;
          bool ollama = false;
          if (!error && status == 200) {
            json tags = json::parse(body, nullptr, false);
            if (tags.is_object() && tags.contains("models") && tags["models"].is_array()) {
              ollama = true;
              chat = ChatModelsFromOllamaTags(tags);
            }
          }
          if (chat.empty()) return (void)self->Miss(root, "(serves no chat model)");
          DiscoveredLlm found{ServerName(root, owned_by, ollama), root + "/v1", chat.front(), chat};
          self->FinishRound(std::move(found), "");
        });
  }

  bool Stopped() const {
    std::lock_guard lock(mutex);
    return stopped;
  }

  void FinishRound(std::optional<DiscoveredLlm> found, const std::string& reason) {
    std::optional<DiscoveredLlm> before;
    int generation = 0;
    {
      std::lock_guard lock(mutex);
      running = false;
      if (stopped) return;
      before = state.found;
      const bool first = state.rounds == 0;
      state.found = found;
      state.reason = found ? "" : reason;
      ++state.rounds;
      generation = ++timer_generation;
      const bool changed =
          first || before.has_value() != found.has_value() ||
          (found && (found->base_url != before->base_url || found->model != before->model));
      if (changed && found)
        spdlog::info("LLM discovered: {} at {}, model {} ({} chat model{})", found->server,
                     found->base_url, found->model, found->models.size(),
                     found->models.size() == 1 ? "" : "s");
      else if (changed)
        spdlog::warn("LLM discovery: {}", reason);
    }
    std::weak_ptr<Impl> weak = weak_from_this();
    client->RunAfter(options.interval_ms, [weak, generation] {
      auto self = weak.lock();
      if (!self) return;
      {
        std::lock_guard lock(self->mutex);
        if (generation != self->timer_generation) return;
      }
      self->StartRound();
    });
  }
};

LlmDiscovery::LlmDiscovery(Options options, std::shared_ptr<HttpClient> client)
    : client_(client ? std::move(client) : std::make_shared<HttpClient>(1)) {
  impl_ = std::make_shared<Impl>(std::move(options), client_.get());
}

LlmDiscovery::~LlmDiscovery() {
  CancelToken cancel;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopped = true;
    cancel = impl_->cancel;
  }
  cancel.Cancel();
}

void LlmDiscovery::Start() { impl_->StartRound(); }

void LlmDiscovery::ProbeSoon() {
  std::weak_ptr<Impl> weak = impl_;
  client_->RunAfter(0, [weak] {
    if (auto self = weak.lock()) self->StartRound();
  });
}

LlmDiscoveryState LlmDiscovery::State() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state;
}

std::vector<std::string> LlmDiscovery::ChatModelsFromOpenAi(const json& body) {
  std::vector<std::string> out;
  if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) return out;
  for (const json& m : body["data"]) {
    if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) continue;
    std::string id = m["id"].get<std::string>();
    if (!id.empty() && !LooksLikeEmbedding(id)) out.push_back(std::move(id));
  }
  return out;
}

std::vector<std::string> LlmDiscovery::ChatModelsFromOllamaTags(const json& body) {
  std::vector<std::string> out;
  if (!body.is_object() || !body.contains("models") || !body["models"].is_array()) return out;
  for (const json& m : body["models"]) {
    if (!m.is_object()) continue;
    std::string name = m.value("model", m.value("name", std::string()));
    if (name.empty() || LooksLikeEmbedding(name)) continue;
    bool bert = false;
    if (m.contains("details") && m["details"].is_object()) {
      const json& d = m["details"];
      std::vector<std::string> families;
      if (d.contains("family") && d["family"].is_string()) families.push_back(d["family"]);
      if (d.contains("families") && d["families"].is_array())  // null in older servers
        for (const json& f : d["families"])
          if (f.is_string()) families.push_back(f);
      for (const auto& f : families) bert = bert || Lower(f).find("bert") != std::string::npos;
    }
    if (!bert) out.push_back(std::move(name));
  }
  return out;
}

std::string LlmDiscovery::ServerName(const std::string& base_url, const std::string& owned_by,
                                     bool ollama) {
  if (ollama) return "Ollama";
  if (owned_by == "vllm") return "vLLM";
  if (owned_by == "llamacpp") return "llama.cpp server";
  int port = 0;
  try {
    port = HttpUrl::Parse(base_url).port;
  } catch (const Error&) {
  }
  switch (port) {
    case 11434:
      return "Ollama";
    case 1234:
      return "LM Studio";
    case 8080:
      return "llama.cpp server or LocalAI";
    case 8000:
      return "vLLM";
    default:
      return "OpenAI-compatible server";
  }
}

}  // namespace mv
