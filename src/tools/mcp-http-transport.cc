#include "tools/mcp-http-transport.h"

#include <spdlog/spdlog.h>

#include "llm/sse-parser.h"
#include "net/http-client.h"

namespace mv {

using nlohmann::json;

struct McpHttpTransport::Shared {
  std::string name, url;
  std::map<std::string, std::string> headers;
  HttpClient* http = nullptr;
  int connect_timeout_ms = 10000;
  std::size_t max_message_bytes = 0;
  CancelToken stop;  // every request in flight ends at Close()

  std::mutex mutex;  // guards session_id and protocol_version
  std::string session_id;
  std::string protocol_version;

  std::mutex handler_mutex;  // guards handlers and closed; held while a handler runs
  Handlers handlers;
  bool closed = false;

  void Deliver(json message) {
    std::lock_guard lock(handler_mutex);
    if (closed || !handlers.on_message) return;
    if (message.is_array()) {
      for (auto& m : message) handlers.on_message(std::move(m));
    } else {
      handlers.on_message(std::move(message));
    }
  }
  void Closed(std::string why) {
    std::lock_guard lock(handler_mutex);
    if (closed) return;
    closed = true;
    if (handlers.on_closed) handlers.on_closed(std::move(why));
  }

  ClientRequest Request(const char* method, const char* accept) {
    ClientRequest req;
    req.method = method;
    req.url = url;
    req.headers = {{"Accept", accept}};
    if (std::string(method) == "POST") req.headers.emplace_back("Content-Type", "application/json");
    for (const auto& [k, v] : headers) req.headers.emplace_back(k, v);
    {
      std::lock_guard lock(mutex);
      if (!session_id.empty()) req.headers.emplace_back("Mcp-Session-Id", session_id);
      if (!protocol_version.empty())
        req.headers.emplace_back("MCP-Protocol-Version", protocol_version);
    }
    req.connect_timeout_ms = connect_timeout_ms;
    req.first_byte_timeout_ms = 0;  // the client's per-request timer bounds a call
    req.idle_timeout_ms = 0;        // a GET stream may be quiet for hours
    req.max_body_bytes = max_message_bytes;
    return req;
  }
};

namespace {

// One POST or GET: its answer body, read as JSON or as SSE as it arrives.
struct Exchange {
  std::shared_ptr<McpHttpTransport::Shared> shared;
  json id;  // the request's, null for notifications and the GET stream
  int status = 0;
  bool sse = false;
  std::string body;
  SseParser parser;
  bool answered = false;  // a response to `id` arrived

  explicit Exchange(std::size_t max) : parser(max) {}

  void OnEvent(const SseEvent& e) {
    if (e.kind != SseEvent::Kind::kData || e.data.empty()) return;
    json m = json::parse(e.data, nullptr, false);
    if (m.is_discarded()) return;
    if (m.is_object() && m.contains("id") && m["id"] == id) answered = true;
    shared->Deliver(std::move(m));
  }
  // A local JSON-RPC error for the request, when the server gave none.
  void FailRequest(const std::string& why) {
    if (id.is_null() || answered) return;
    answered = true;
    shared->Deliver(
        {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32000}, {"message", why}}}});
  }
};

}  // namespace

McpHttpTransport::McpHttpTransport(std::string name, std::string url,
                                   std::map<std::string, std::string> headers, HttpClient& http,
                                   int connect_timeout_ms, std::size_t max_message_bytes)
    : shared_(std::make_shared<Shared>()) {
  shared_->name = std::move(name);
  shared_->url = std::move(url);
  shared_->headers = std::move(headers);
  shared_->http = &http;
  shared_->connect_timeout_ms = connect_timeout_ms;
  shared_->max_message_bytes = max_message_bytes;
}

McpHttpTransport::~McpHttpTransport() { Close(); }

void McpHttpTransport::Start(Handlers handlers) {
  std::lock_guard lock(shared_->handler_mutex);
  shared_->handlers = std::move(handlers);
}

void McpHttpTransport::Send(const json& message) {
  auto ex = std::make_shared<Exchange>(shared_->max_message_bytes);
  ex->shared = shared_;
  if (message.is_object() && message.contains("id") && message.contains("method"))
    ex->id = message["id"];
  const bool initialize = message.value("method", "") == "initialize";
  ClientRequest req = shared_->Request("POST", "application/json, text/event-stream");
  req.body = message.dump();
  ClientCallbacks cb;
  cb.on_head = [ex, initialize](int status, const std::map<std::string, std::string>& h) {
    ex->status = status;
    auto ct = h.find("content-type");
    ex->sse = ct != h.end() && ct->second.find("text/event-stream") != std::string::npos;
    if (initialize) {
      if (auto sid = h.find("mcp-session-id"); sid != h.end()) {
        std::lock_guard lock(ex->shared->mutex);
        ex->shared->session_id = sid->second;
      }
    }
  };
  cb.on_data = [ex](std::string_view data) {
    if (ex->status / 100 == 2 && ex->sse) {
      ex->parser.Feed(data, [&](const SseEvent& e) { ex->OnEvent(e); });
    } else if (ex->body.size() < ex->shared->max_message_bytes) {
      ex->body.append(data);
    }
  };
  cb.on_complete = [ex](std::optional<Error> error) {
    if (ex->sse) ex->parser.Finish([&](const SseEvent& e) { ex->OnEvent(e); });
    if (error) {
      ex->FailRequest(error->kind() == ErrorKind::kCancelled ? "cancelled"
                                                             : std::string(error->what()));
      return;
    }
    if (ex->status == 404 && !ex->id.is_null()) {
      bool had_session;
      {
        std::lock_guard lock(ex->shared->mutex);
        had_session = !ex->shared->session_id.empty();
      }
      ex->FailRequest("HTTP 404");
      if (had_session) ex->shared->Closed("the server ended the session (HTTP 404)");
      return;
    }
    if (ex->status / 100 != 2) {
      // A JSON-RPC error body answers the request; anything else is summarised.
      json m = json::parse(ex->body, nullptr, false);
      if (m.is_object() && m.contains("error") && m.contains("id") && !m["id"].is_null()) {
        ex->answered = true;
        ex->shared->Deliver(std::move(m));
      }
      ex->FailRequest("HTTP " + std::to_string(ex->status));
      return;
    }
    if (!ex->sse && !ex->body.empty()) {
      json m = json::parse(ex->body, nullptr, false);
      if (!m.is_discarded()) {
        if (m.is_object() && m.contains("id") && m["id"] == ex->id) ex->answered = true;
        ex->shared->Deliver(std::move(m));
      }
    }
    ex->FailRequest("the server sent no answer");
  };
  shared_->http->Stream(std::move(req), shared_->stop, std::move(cb));
}

void McpHttpTransport::Listen(const std::string& protocol_version) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->protocol_version = protocol_version;
  }
  auto ex = std::make_shared<Exchange>(shared_->max_message_bytes);
  ex->shared = shared_;
  ClientRequest req = shared_->Request("GET", "text/event-stream");
  ClientCallbacks cb;
  cb.on_head = [ex](int status, const std::map<std::string, std::string>&) { ex->status = status; };
  cb.on_data = [ex](std::string_view data) {
    if (ex->status == 200) ex->parser.Feed(data, [&](const SseEvent& e) { ex->OnEvent(e); });
  };
  cb.on_complete = [ex](std::optional<Error> error) {
    // 405: the server offers no GET stream; it may still answer in POSTs.
    if (ex->status == 200 && !(error && error->kind() == ErrorKind::kCancelled))
      spdlog::info("MCP server '{}': notification stream ended", ex->shared->name);
  };
  shared_->http->Stream(std::move(req), shared_->stop, std::move(cb));
}

void McpHttpTransport::Close() {
  {
    std::lock_guard lock(shared_->handler_mutex);
    shared_->closed = true;
    shared_->handlers = {};
  }
  shared_->stop.Cancel();
  std::string session;
  {
    std::lock_guard lock(shared_->mutex);
    session.swap(shared_->session_id);
  }
  if (session.empty()) return;
  // Ends the session on the server (spec: clients SHOULD); nobody waits.
  ClientRequest req = shared_->Request("DELETE", "application/json");
  req.headers.emplace_back("Mcp-Session-Id", session);
  req.first_byte_timeout_ms = 5000;
  shared_->http->Stream(std::move(req), CancelToken(), {});
}

}  // namespace mv
