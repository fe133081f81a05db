#include "tools/mcp-client.h"

#include <spdlog/spdlog.h>

#include "tools/mcp-http-transport.h"
#include "tools/mcp-stdio-transport.h"

namespace mv {

using nlohmann::json;

namespace {

constexpr const char* kProtocolVersion = "2025-03-26";

// The text of a tools/call result: its text content items, joined; other
// content (images, resources) is named, not inlined.
std::string ResultText(const json& result) {
  std::string out;
  if (auto c = result.find("content"); c != result.end() && c->is_array()) {
    for (const auto& item : *c) {
      if (!item.is_object()) continue;
      std::string type = item.value("type", "");
      std::string piece = type == "text" ? item.value("text", "") : "[" + type + " content]";
      if (piece.empty()) continue;
      out += (out.empty() ? "" : "\n") + piece;
    }
  }
  if (out.empty()) {
    if (auto s = result.find("structuredContent"); s != result.end()) out = s->dump();
  }
  return out;
}

std::string RpcErrorText(const json& error) {
  if (!error.is_object()) return error.dump();
  std::string msg = error.value("message", std::string("error"));
  if (auto c = error.find("code"); c != error.end() && c->is_number_integer())
    msg += " (" + std::to_string(c->get<long long>()) + ")";
  return msg;
}

}  // namespace

std::shared_ptr<McpClient> McpClient::Create(McpServerConfig config, TimerQueue& timers,
                                             HttpClient& http, std::size_t max_message_bytes) {
  return std::shared_ptr<McpClient>(
      new McpClient(std::move(config), timers, http, max_message_bytes));
}

McpClient::McpClient(McpServerConfig config, TimerQueue& timers, HttpClient& http, std::size_t max)
    : config_(std::move(config)), timers_(timers), http_(http), max_message_bytes_(max) {}

McpClient::~McpClient() { Disconnect(); }

std::shared_ptr<McpTransport> McpClient::MakeTransport() const {
  if (!config_.url.empty())
    return std::make_shared<McpHttpTransport>(config_.name, config_.url, config_.headers, http_,
                                              10000, max_message_bytes_);
  return std::make_shared<McpStdioTransport>(config_.name, config_.command, config_.args,
                                             config_.env, max_message_bytes_);
}

bool McpClient::connected() const {
  std::lock_guard lock(mutex_);
  return connected_;
}

std::vector<McpTool> McpClient::tools() const {
  std::lock_guard lock(mutex_);
  return connected_ ? tools_ : std::vector<McpTool>{};
}

int McpClient::list_refreshes() const {
  std::lock_guard lock(mutex_);
  return list_refreshes_;
}

void McpClient::SetOnChange(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(fn);
}

void McpClient::SetOnLost(std::function<void(const std::string&)> fn) {
  std::lock_guard lock(mutex_);
  on_lost_ = std::move(fn);
}

void McpClient::Connect(int timeout_ms, std::function<void(std::optional<Error>)> done) {
  Disconnect();
  auto transport = MakeTransport();
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = ++generation_;
  }
  std::weak_ptr<McpClient> weak = weak_from_this();
  McpTransport::Handlers h;
  h.on_message = [weak, generation](json m) {
    if (auto self = weak.lock()) self->OnMessage(generation, std::move(m));
  };
  h.on_closed = [weak, generation](std::string why) {
    if (auto self = weak.lock()) self->OnClosed(generation, why);
  };
  try {
    transport->Start(std::move(h));
  } catch (const Error& e) {
    done(e);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    transport_ = transport;
  }
  json params = {{"protocolVersion", kProtocolVersion},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "mirrorvox"}, {"version", "0.1.0"}}}};
  Request("initialize", std::move(params), timeout_ms, CancelToken(),
          [weak, done, transport](std::optional<json> result, std::optional<Error> error) {
            auto self = weak.lock();
            if (!self) return;
            if (error) return done(std::move(error));
            std::string version = result->value("protocolVersion", std::string(kProtocolVersion));
            {
              std::lock_guard lock(self->mutex_);
              self->protocol_version_ = version;
            }
            self->Notify("notifications/initialized", json::object());
            transport->Listen(version);
            self->RefreshTools([weak, done](std::optional<Error> e) {
              if (auto self = weak.lock(); self && !e) {
                std::lock_guard lock(self->mutex_);
                self->connected_ = true;
              }
              done(std::move(e));
            });
          });
}

void McpClient::Disconnect() {
  std::shared_ptr<McpTransport> transport;
  {
    std::lock_guard lock(mutex_);
    transport.swap(transport_);
    ++generation_;
    connected_ = false;
  }
  FailAll("disconnected");
  if (transport) transport->Close();  // outside the lock: a handler may be waiting for it
}

void McpClient::FailAll(const std::string& why) {
  std::map<long long, Reply> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(pending_);
  }
  for (auto& [id, reply] : pending)
    reply(std::nullopt, Error(ErrorKind::kUnavailable, "mcp_unavailable",
                              "MCP server '" + config_.name + "': " + why));
}

void McpClient::Request(const std::string& method, json params, int timeout_ms, CancelToken cancel,
                        Reply reply) {
  if (cancel.IsCancelled()) {
    reply(std::nullopt, Error(ErrorKind::kCancelled, "cancelled", "cancelled"));
    return;
  }
  std::shared_ptr<McpTransport> transport;
  long long id;
  auto hook = std::make_shared<CancelRegistration>();
  {
    std::lock_guard lock(mutex_);
    transport = transport_;
    id = next_id_++;
    // The reply owns the cancel hook: it goes when the request is settled.
    if (transport)
      pending_.emplace(id, [reply = std::move(reply), hook](std::optional<json> result,
                                                            std::optional<Error> error) {
        reply(std::move(result), std::move(error));
      });
  }
  if (!transport) {
    reply(std::nullopt, Error(ErrorKind::kUnavailable, "mcp_unavailable",
                              "MCP server '" + config_.name + "' is not connected"));
    return;
  }
  std::weak_ptr<McpClient> weak = weak_from_this();
  timers_.RunAfter(timeout_ms, [weak, id, timeout_ms, method] {
    if (auto self = weak.lock())
      self->Abandon(id,
                    Error(ErrorKind::kTimeout, "mcp_timeout",
                          method + " got no answer within " + std::to_string(timeout_ms) + " ms"),
                    "timeout");
  });
  *hook = cancel.OnCancel([weak, id] {
    if (auto self = weak.lock())
      self->Abandon(id, Error(ErrorKind::kCancelled, "cancelled", "cancelled"), "cancelled");
  });
  transport->Send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

void McpClient::Notify(const std::string& method, json params) {
  std::shared_ptr<McpTransport> transport;
  {
    std::lock_guard lock(mutex_);
    transport = transport_;
  }
  if (transport) transport->Send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

void McpClient::Abandon(long long id, Error why, const char* reason) {
  Reply reply;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // answered already
    reply = std::move(it->second);
    pending_.erase(it);
  }
  // The server may stop the work (spec: cancellation).
  Notify("notifications/cancelled", {{"requestId", id}, {"reason", reason}});
  reply(std::nullopt, std::move(why));
}

void McpClient::OnMessage(uint64_t generation, json m) {
  if (!m.is_object()) return;
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
  }
  const bool has_id = m.contains("id") && !m["id"].is_null();
  if (m.contains("method")) {
    const std::string method = m.value("method", "");
    if (!has_id) {
      if (method == "notifications/tools/list_changed") {
        RefreshTools([](std::optional<Error> e) {
          if (e) spdlog::warn("MCP tools/list after list_changed failed: {}", e->what());
        });
      }
      return;  // progress, logging, ...: nothing to do
    }
    json answer = {{"jsonrpc", "2.0"}, {"id", m["id"]}};
    if (method == "ping") {
      answer["result"] = json::object();
    } else {
      answer["error"] = {{"code", -32601}, {"message", "method not found: " + method}};
    }
    std::shared_ptr<McpTransport> transport;
    {
      std::lock_guard lock(mutex_);
      transport = transport_;
    }
    if (transport) transport->Send(answer);
    return;
  }
  if (!has_id || !m["id"].is_number_integer()) return;
  Reply reply;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(m["id"].get<long long>());
    if (it == pending_.end()) return;  // timed out or cancelled already
    reply = std::move(it->second);
    pending_.erase(it);
  }
  if (auto e = m.find("error"); e != m.end() && !e->is_null()) {
    reply(std::nullopt, Error(ErrorKind::kUpstream, "mcp_error", RpcErrorText(*e)));
    return;
  }
  auto r = m.find("result");
  reply(r != m.end() ? *r : json::object(), std::nullopt);
}

void McpClient::OnClosed(uint64_t generation, const std::string& why) {
  std::function<void(const std::string&)> lost;
  std::function<void()> change;
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    ++generation_;
    connected_ = false;
    lost = on_lost_;
    change = on_change_;
  }
  spdlog::warn("MCP server '{}' lost: {}", config_.name, why);
  FailAll(why);
  if (change) change();
  if (lost) lost(why);
}

void McpClient::RefreshTools(std::function<void(std::optional<Error>)> done) {
  ListPage("", std::make_shared<std::vector<McpTool>>(), std::move(done));
}

void McpClient::ListPage(std::string cursor, std::shared_ptr<std::vector<McpTool>> acc,
                         std::function<void(std::optional<Error>)> done) {
  json params = json::object();
  if (!cursor.empty()) params["cursor"] = cursor;
  std::weak_ptr<McpClient> weak = weak_from_this();
  Request("tools/list", std::move(params), 30000, CancelToken(),
          [weak, acc, done](std::optional<json> result, std::optional<Error> error) {
            auto self = weak.lock();
            if (!self) return;
            if (error) return done(std::move(error));
            if (auto t = result->find("tools"); t != result->end() && t->is_array()) {
              for (const auto& tool : *t) {
                if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string())
                  continue;
                McpTool m;
                m.name = tool["name"];
                m.description = tool.value("description", std::string());
                auto schema = tool.find("inputSchema");
                m.input_schema_json = schema != tool.end() && schema->is_object()
                                          ? schema->dump()
                                          : R"({"type":"object","properties":{}})";
                acc->push_back(std::move(m));
              }
            }
            std::string next = result->value("nextCursor", std::string());
            if (!next.empty() && acc->size() < 10000)
              return self->ListPage(std::move(next), acc, done);
            std::function<void()> change;
            {
              std::lock_guard lock(self->mutex_);
              self->tools_ = std::move(*acc);
              ++self->list_refreshes_;
              change = self->on_change_;
            }
            done(std::nullopt);
            if (change) change();
          });
}

void McpClient::CallTool(const std::string& name, const std::string& arguments_json,
                         CancelToken cancel, int timeout_ms,
                         std::function<void(McpCallResult)> done) {
  json args = json::parse(arguments_json, nullptr, false);
  if (!args.is_object()) {
    done({"error", "arguments are not a JSON object"});
    return;
  }
  Request("tools/call", {{"name", name}, {"arguments", std::move(args)}}, timeout_ms,
          std::move(cancel), [done](std::optional<json> result, std::optional<Error> error) {
            if (error) {
              const char* outcome = error->kind() == ErrorKind::kTimeout       ? "timeout"
                                    : error->kind() == ErrorKind::kCancelled   ? "cancelled"
                                    : error->kind() == ErrorKind::kUnavailable ? "unavailable"
                                                                               : "error";
              done({outcome, error->what()});
              return;
            }
            McpCallResult r;
            r.text = ResultText(*result);
            if (result->value("isError", false)) r.outcome = "error";
            done(std::move(r));
          });
}

}  // namespace mv
