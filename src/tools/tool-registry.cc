#include "tools/tool-registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>

#include "common/metrics.h"
#include "net/http-client.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// At most `max` bytes, never cutting a UTF-8 sequence.
std::string CutUtf8(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string ToolRegistry::ExposedName(const std::string& server, const std::string& tool) {
  std::string out = server + "_" + tool;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  if (out.size() > 64) out.resize(64);
  return out;
}

ToolRegistry::ToolRegistry(ToolsConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)),
      http_(http ? std::move(http) : std::make_shared<HttpClient>(1)),
      timers_(std::make_unique<TimerQueue>(http_->io())),
      alive_(std::make_shared<std::atomic<bool>>(true)) {
  const std::size_t max_message = std::max<std::size_t>(config_.max_result_bytes * 4, 1u << 20);
  for (const McpServerConfig& s : config_.mcp_servers) {
    auto client = McpClient::Create(s, *timers_, *http_, max_message);
    client->SetOnChange([this] { Rebuild(); });
    const std::size_t index = clients_.size();
    client->SetOnLost([this, index](const std::string&) { ScheduleRetry(index); });
    clients_.push_back(std::move(client));
  }
  retrying_.assign(clients_.size(), false);
}

ToolRegistry::~ToolRegistry() {
  *alive_ = false;  // retries not yet started stay away
  for (auto& c : clients_) {
    c->SetOnChange(nullptr);
    c->SetOnLost(nullptr);
    c->Disconnect();  // waits out any handler; stdio servers exit
  }
  timers_->Stop();  // joins: no timeout runs after this; late ones ignored
  clients_.clear();
  http_.reset();
}

void ToolRegistry::ConnectOne(std::size_t index, std::function<void(std::optional<Error>)> done) {
  clients_[index]->Connect(config_.connect_timeout_ms, std::move(done));
}

void ToolRegistry::Start() {
  auto left = std::make_shared<std::size_t>(clients_.size());
  auto m_ptr = std::make_shared<std::mutex>();  // guards *left
  auto cv_ptr = std::make_shared<std::condition_variable>();
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    const std::string name = clients_[i]->name();
    ConnectOne(i, [this, i, name, left, m_ptr, cv_ptr](std::optional<Error> e) {
      if (e) {
        spdlog::warn("MCP server '{}' is not available: {} (retrying every {} ms)", name, e->what(),
                     config_.retry_ms);
        ScheduleRetry(i);
      } else {
        spdlog::info("MCP server '{}': {} tools", name, clients_[i]->tools().size());
      }
      std::lock_guard lock(*m_ptr);
      --*left;
      cv_ptr->notify_all();
    });
  }
  std::unique_lock lock(*m_ptr);
  cv_ptr->wait_for(lock, std::chrono::milliseconds(config_.connect_timeout_ms + 1000),
                   [&] { return *left == 0; });
  lock.unlock();
  Rebuild();
}

void ToolRegistry::ScheduleRetry(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    if (retrying_[index]) return;
    retrying_[index] = true;
  }
  std::weak_ptr<std::atomic<bool>> alive = alive_;
  timers_->RunAfter(config_.retry_ms, [this, alive, index] {
    auto a = alive.lock();
    if (!a || !*a) return;
    {
      std::lock_guard lock(mutex_);
      retrying_[index] = false;
    }
    ConnectOne(index, [this, alive, index](std::optional<Error> e) {
      auto a = alive.lock();
      if (!a || !*a) return;
      if (e) {
        spdlog::debug("MCP server '{}' still down: {}", clients_[index]->name(), e->what());
        ScheduleRetry(index);
      } else {
        spdlog::info("MCP server '{}' is back: {} tools", clients_[index]->name(),
                     clients_[index]->tools().size());
      }
    });
  });
}

void ToolRegistry::Rebuild() {
  std::map<std::string, Entry> entries;
  for (const auto& client : clients_) {
    for (const McpTool& t : client->tools()) {
      std::string name = ExposedName(client->name(), t.name);
      for (int n = 2; entries.count(name); ++n) {
        std::string suffix = "_" + std::to_string(n);
        name = ExposedName(client->name(), t.name).substr(0, 64 - suffix.size()) + suffix;
      }
      Entry e{client, t.name, {name, t.description, t.input_schema_json}};
      entries.emplace(name, std::move(e));
    }
  }
  std::lock_guard lock(mutex_);
  entries_ = std::move(entries);
}

std::vector<ToolSpec> ToolRegistry::Specs() const {
  std::lock_guard lock(mutex_);
  std::vector<ToolSpec> out;
  for (const auto& [name, e] : entries_) out.push_back(e.spec);
  return out;
}

bool ToolRegistry::Has(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return entries_.count(name) > 0;
}

std::vector<ToolRegistry::ServerStatus> ToolRegistry::Status() const {
  std::vector<ServerStatus> out;
  for (const auto& c : clients_)
    out.push_back({c->name(), c->connected(), static_cast<int>(c->tools().size())});
  return out;
}

std::shared_ptr<McpClient> ToolRegistry::client(const std::string& server) const {
  for (const auto& c : clients_)
    if (c->name() == server) return c;
  return nullptr;
}

void ToolRegistry::Call(const ToolCall& call, CancelToken cancel,
                        std::function<void(ToolOutcome)> done) {
  const auto start = Clock::now();
  const std::string name = call.name;
  const std::size_t max_result = config_.max_result_bytes;
  auto finish = [name, start, done, max_result](std::string outcome, std::string content) {
    ToolOutcome o;
    o.ms = MsSince(start);
    o.outcome = std::move(outcome);
    if (content.size() > max_result) content = CutUtf8(content, max_result) + " [truncated]";
    o.content = o.outcome == "ok" ? std::move(content) : "error: " + content;
    auto& m = Metrics::Global();
    m.Increment("mirrorvox_tool_calls_total", {{"tool", name}, {"outcome", o.outcome}});
    m.Observe("mirrorvox_tool_seconds", o.ms / 1000.0, {{"tool", name}});
    done(std::move(o));
  };
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(call.name);
    if (it == entries_.end()) {
      // Not a name we offered: never echo the model's bytes back unbounded.
      finish("unknown", "no tool named '" + CutUtf8(call.name, 64) + "'");
      return;
    }
    entry = it->second;
  }
  if (call.arguments.size() > config_.max_argument_bytes) {
    finish("too_large",
           "arguments over " + std::to_string(config_.max_argument_bytes) + " bytes; not called");
    return;
  }
  entry.client->CallTool(entry.tool, call.arguments, std::move(cancel), config_.call_timeout_ms,
                         [finish](McpCallResult r) { finish(r.outcome, std::move(r.text)); });
}

}  // namespace mv
