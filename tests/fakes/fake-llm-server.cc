#include "fakes/fake-llm-server.h"

#include <algorithm>
#include <cctype>

namespace mvtest {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;  // field order as the real servers send it
using Clock = std::chrono::steady_clock;

mv::HttpResponse ErrorJson(int status, const std::string& message, const std::string& type,
                           const ojson& code) {
  ojson j = {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
  return mv::HttpResponse::Json(status, j.dump());
}

long long UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct FakeLlmServer::Plan {
  int index = 0;  // into requests_
  std::string id;
  long long created = 0;
  std::string model;
  bool stream = true;
  bool include_usage = false;
  std::vector<std::string> tokens;
  std::string finish = "stop";
  int prompt_tokens = 0;
  FakeLlmFault fault = FakeLlmFault::kNone;
  int fault_after = 0;
  FakeLlmOptions options;
  std::vector<FakeToolCall> calls;  // a tool reply
  FakeToolCallShape shape = FakeToolCallShape::kOpenAi;
};

FakeLlmServer::FakeLlmServer(FakeLlmOptions options) : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeLlmServer::~FakeLlmServer() { Shutdown(); }

std::string FakeLlmServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeLlmServer::Listen() {
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  mv::HttpServerOptions o;
  o.host = options_.host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  auto chat = [this](auto req, auto res) { OnChat(std::move(req), std::move(res)); };
  server->Route("POST", "/v1/chat/completions", chat);
  server->Route("POST", "/chat/completions", chat);
  server->Route("GET", "/v1/models", [this](auto, auto res) {
    const FakeLlmOptions o = options();
    ojson data = ojson::array();
    if (o.ollama_models.empty()) {
      data.push_back({{"id", o.model},
                      {"object", "model"},
                      {"created", UnixNow()},
                      {"owned_by", "mirrorvox-fake"}});
    }
    for (const auto& m : o.ollama_models)
      data.push_back(
          {{"id", m.name}, {"object", "model"}, {"created", UnixNow()}, {"owned_by", "library"}});
    res->Send(mv::HttpResponse::Json(200, ojson{{"object", "list"}, {"data", data}}.dump()));
  });
  server->Route("GET", "/api/tags", [this](auto, auto res) {
    const FakeLlmOptions o = options();
    if (o.ollama_models.empty()) {
      res->Send(mv::HttpResponse::Json(404, R"({"error":"not found"})"));
      return;
    }
    ojson models = ojson::array();
    for (const auto& m : o.ollama_models) {
      const bool embed = m.family.find("bert") != std::string::npos;
      models.push_back(
          {{"name", m.name},
           {"model", m.name},
           {"modified_at", "2025-10-03T23:34:03.409490317-07:00"},
           {"size", embed ? 274302450 : 2019393189},
           {"digest", "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72"},
           {"details",
            {{"parent_model", ""},
             {"format", "gguf"},
             {"family", m.family},
             {"families", {m.family}},
             {"parameter_size", embed ? "137M" : "3.2B"},
             {"quantization_level", embed ? "F16" : "Q4_K_M"}}}});
    }
    res->Send(mv::HttpResponse::Json(200, ojson{{"models", models}}.dump()));
  });
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeLlmServer::Shutdown() {
  std::vector<Stream> streams;
  std::vector<std::shared_ptr<mv::Responder>> held;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    streams.swap(streams_);
    held.swap(held_);
  }
  cv_.notify_all();
  for (auto& s : streams) s.thread.join();
  // Responders must go before the server they post to; a dropped stalled
  // response cuts its connection.
  held.clear();
  server_.reset();
}

void FakeLlmServer::Refuse() { Shutdown(); }

void FakeLlmServer::Resume() {
  if (!server_) Listen();
}

FakeLlmOptions FakeLlmServer::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeLlmServer::set_options(FakeLlmOptions options) {
  std::lock_guard lock(mutex_);
  options.host = options_.host;
  options.port = options_.port;
  options_ = std::move(options);
}

void FakeLlmServer::PushReply(std::string reply) {
  std::lock_guard lock(mutex_);
  replies_.push_back(std::move(reply));
}

void FakeLlmServer::SetReplyFunction(ReplyFn fn) {
  std::lock_guard lock(mutex_);
  reply_fn_ = std::move(fn);
}

FakeLlmServer::ReplyFn FakeLlmServer::EchoLastUser(std::string prefix) {
  return [prefix](const json& request) {
    const json& messages = request.at("messages");
    for (auto it = messages.rbegin(); it != messages.rend(); ++it)
      if (it->value("role", "") == "user") return prefix + it->value("content", "");
    return prefix;
  };
}

void FakeLlmServer::PushToolReply(FakeLlmToolReply reply) {
  std::lock_guard lock(mutex_);
  tool_replies_.push_back(std::move(reply));
}

void FakeLlmServer::SetToolReplyFunction(ToolReplyFn fn) {
  std::lock_guard lock(mutex_);
  tool_reply_fn_ = std::move(fn);
}

FakeLlmServer::ToolReplyFn FakeLlmServer::SumWithTool(std::vector<std::string> tools,
                                                      FakeToolCallShape shape, std::string prefix) {
  return [tools, shape, prefix](const json& request) -> std::optional<FakeLlmToolReply> {
    const json& messages = request.at("messages");
    if (!messages.empty() && messages.back().value("role", "") == "tool") {
      FakeLlmToolReply r;
      r.text = prefix + messages.back().value("content", "");
      return r;
    }
    std::string offered;
    if (auto t = request.find("tools"); t != request.end() && t->is_array())
      for (const std::string& tool : tools) {
        for (const auto& f : *t) {
          std::string name = f.value("function", json::object()).value("name", "");
          if (offered.empty() && (name == tool || name.ends_with("_" + tool))) offered = name;
        }
      }
    if (offered.empty()) return std::nullopt;
    std::string user;
    for (auto it = messages.rbegin(); it != messages.rend(); ++it)
      if (it->value("role", "") == "user") {
        user = it->value("content", "");
        break;
      }
    // The first two numbers, digits or spoken English words.
    static const char* kWords[] = {"zero", "one", "two",   "three", "four",  "five",  "six",
                                   "seven", "eight", "nine", "ten", "eleven", "twelve"};
    std::vector<long long> numbers;
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      if (std::isdigit(static_cast<unsigned char>(word[0]))) {
        numbers.push_back(std::stoll(word));
      } else {
        for (int i = 0; i < 13; ++i)
          if (word == kWords[i]) numbers.push_back(i);
      }
      word.clear();
    };
    for (char c : user) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else {
        flush();
      }
    }
    flush();
    if (numbers.size() < 2) return std::nullopt;
    FakeLlmToolReply r;
    r.shape = shape;
    if (shape == FakeToolCallShape::kTextFirst) r.text = "Let me add that up.";
    r.calls.push_back({offered, {{"a", numbers[0]}, {"b", numbers[1]}}, ""});
    return r;
  };
}

void FakeLlmServer::SetFault(FakeLlmFault fault, int after_tokens, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_after_ = after_tokens;
  fault_times_ = fault == FakeLlmFault::kNone ? 0 : times;
}

std::vector<FakeLlmRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int FakeLlmServer::chat_requests() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [](const auto& r) {
    return r.path.ends_with("/chat/completions");
  }));
}

std::vector<FakeLlmDisconnect> FakeLlmServer::disconnects() const {
  std::lock_guard lock(mutex_);
  return disconnects_;
}

std::optional<Clock::time_point> FakeLlmServer::WaitForDisconnect(int timeout_ms) const {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [&] { return !disconnects_.empty(); }))
    return std::nullopt;
  return disconnects_.front().at;
}

std::vector<std::string> FakeLlmServer::Tokenize(const std::string& text) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    len = std::min(len, text.size() - i);
    bool space = c == ' ' || c == '\n' || c == '\t';
    bool wide = len >= 3;  // CJK and friends: one token per character
    bool in_word = !current.empty() && current.back() != ' ' && current.back() != '\n' &&
                   current.back() != '\t';
    if ((space && in_word) || wide) flush();
    current.append(text, i, len);
    if (wide) flush();
    i += len;
  }
  flush();
  return tokens;
}

std::vector<std::string> FakeLlmServer::Slice(const std::string& text, std::size_t bytes) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end = std::min(text.size(), i + bytes);
    // Whole characters: a chunk's JSON string must stay valid UTF-8.
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

void FakeLlmServer::OnChat(std::shared_ptr<mv::HttpRequest> req,
                           std::shared_ptr<mv::Responder> res) {
  FakeLlmRequest record{req->method, req->path, req->headers,
                        json::parse(req->body, nullptr, false), Clock::now()};
  if (record.body.is_discarded()) record.body = nullptr;
  auto plan = std::make_shared<Plan>();
  std::string reply;
  {
    std::lock_guard lock(mutex_);
    plan->index = static_cast<int>(requests_.size());
    requests_.push_back(record);
    plan->options = options_;
    if (fault_times_ != 0) {
      plan->fault = fault_;
      plan->fault_after = fault_after_;
      if (fault_times_ > 0 && --fault_times_ == 0) fault_ = FakeLlmFault::kNone;
    }
  }
  const json& body = record.body;
  if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array()) {
    res->Send(
        ErrorJson(400, "'messages' is a required property", "invalid_request_error", nullptr));
    return;
  }
  switch (plan->fault) {
    case FakeLlmFault::kHttp500:
      res->Send(ErrorJson(500, "The server had an error while processing your request.",
                          "server_error", nullptr));
      return;
    case FakeLlmFault::kHttp429:
      res->Send(
          ErrorJson(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded"));
      return;
    case FakeLlmFault::kHttp401:
      res->Send(ErrorJson(401, "Incorrect API key provided.", "invalid_request_error",
                          "invalid_api_key"));
      return;
    case FakeLlmFault::kHttp400:
      res->Send(ErrorJson(400, "This model's maximum context length is exceeded.",
                          "invalid_request_error", "context_length_exceeded"));
      return;
    case FakeLlmFault::kStallSilent:
      Hold(plan->index, res);
      return;
    default:
      break;
  }

  // The reply, and what a prefill (trailing assistant message) changes.
  json messages = body["messages"];
  std::string prefill;
  if (!messages.empty() && messages.back().value("role", "") == "assistant") {
    prefill = messages.back().value("content", "");
  }
  std::optional<FakeLlmToolReply> tool_reply;
  {
    std::lock_guard lock(mutex_);
    if (!tool_replies_.empty()) {
      tool_reply = std::move(tool_replies_.front());
      tool_replies_.pop_front();
    } else if (tool_reply_fn_) {
      tool_reply = tool_reply_fn_(body);
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (tool_reply) {
      reply = tool_reply->text;
      plan->calls = tool_reply->calls;
      plan->shape = tool_reply->shape;
    } else if (!replies_.empty()) {
      reply = std::move(replies_.front());
      replies_.pop_front();
    } else if (reply_fn_) {
      reply = reply_fn_(body);
    } else {
      reply = options_.default_reply;
    }
  }
  if (!prefill.empty() && plan->options.honor_prefill && reply.starts_with(prefill))
    reply = reply.substr(prefill.size());
  plan->tokens =
      plan->options.token_bytes > 0 ? Slice(reply, plan->options.token_bytes) : Tokenize(reply);
  if (auto it = body.find("max_tokens"); it != body.end() && it->is_number_integer()) {
    auto max = it->get<long long>();
    if (max >= 0 && static_cast<std::size_t>(max) < plan->tokens.size()) {
      plan->tokens.resize(static_cast<std::size_t>(max));
      plan->finish = "length";
    }
  }
  if (!plan->calls.empty()) plan->finish = "tool_calls";
  for (const auto& m : messages)
    if (m.contains("content") && m["content"].is_string())
      plan->prompt_tokens += static_cast<int>(Tokenize(m["content"].get<std::string>()).size());
  plan->id = "chatcmpl-fake" + std::to_string(plan->index);
  plan->created = UnixNow();
  plan->model = body.value("model", plan->options.model);
  plan->stream = body.value("stream", false) && !plan->options.ignore_stream;
  if (auto so = body.find("stream_options"); so != body.end() && so->is_object())
    plan->include_usage = so->value("include_usage", false);

  const int index = plan->index;
  auto hook = res->cancel().OnCancel([this, index] {
    std::lock_guard lock(mutex_);
    disconnects_.push_back({index, Clock::now()});
    cv_.notify_all();
  });
  std::lock_guard lock(mutex_);
  hooks_.push_back(std::move(hook));
  if (stop_) return;  // shutting down: the dropped responder answers 500
  std::erase_if(streams_, [](Stream& s) {
    if (!s.done->load()) return false;
    s.thread.join();
    return true;
  });
  auto done = std::make_shared<std::atomic<bool>>(false);
  streams_.push_back({std::thread([this, plan, res, done]() mutable {
                        Generate(plan, std::move(res));
                        done->store(true);
                      }),
                      done});
}

void FakeLlmServer::Hold(int index, std::shared_ptr<mv::Responder> res) {
  // Outside the lock: a token already cancelled runs the callback at once.
  auto hook = res->cancel().OnCancel([this, index] {
    std::lock_guard lock(mutex_);
    disconnects_.push_back({index, Clock::now()});
    cv_.notify_all();
  });
  std::lock_guard lock(mutex_);
  hooks_.push_back(std::move(hook));
  held_.push_back(std::move(res));
}

bool FakeLlmServer::Sleep(int ms, const mv::Responder& res) {
  auto until = Clock::now() + std::chrono::milliseconds(ms);
  std::unique_lock lock(mutex_);
  // Short slices: a hung-up client is noticed without a callback into here.
  while (!stop_ && !res.cancel().IsCancelled()) {
    auto slice = std::min(until, Clock::now() + std::chrono::milliseconds(5));
    if (cv_.wait_until(lock, slice, [&] { return stop_; })) break;
    if (Clock::now() >= until) return !res.cancel().IsCancelled();
  }
  return false;
}

std::string FakeLlmServer::Chunk(const Plan& plan, ojson delta, const char* finish) const {
  ojson chunk = {{"id", plan.id},
                 {"object", "chat.completion.chunk"},
                 {"created", plan.created},
                 {"model", plan.model},
                 {"system_fingerprint", "fp_fake"},
                 {"choices",
                  {{{"index", 0},
                    {"delta", std::move(delta)},
                    {"logprobs", nullptr},
                    {"finish_reason", finish ? ojson(finish) : ojson(nullptr)}}}}};
  return "data: " + chunk.dump() + "\n\n";
}

void FakeLlmServer::Generate(std::shared_ptr<const Plan> plan, std::shared_ptr<mv::Responder> res) {
  const FakeLlmOptions& o = plan->options;
  const int gap_ms = o.tokens_per_s > 0 ? static_cast<int>(1000.0 / o.tokens_per_s) : 0;
  std::string text;
  for (const auto& t : plan->tokens) text += t;

  if (!plan->stream) {
    int total = o.ttft_ms + gap_ms * static_cast<int>(plan->tokens.size());
    if (!Sleep(total, *res)) return;
    ojson j = {{"id", plan->id},
               {"object", "chat.completion"},
               {"created", plan->created},
               {"model", plan->model},
               {"choices",
                {{{"index", 0},
                  {"message", [&] {
                     ojson m = {{"role", "assistant"}, {"content", text}};
                     if (plan->calls.empty()) return m;
                     ojson calls = ojson::array();
                     for (std::size_t i = 0; i < plan->calls.size(); ++i)
                       calls.push_back({{"id", plan->calls[i].id.empty()
                                                   ? "call_fake" + std::to_string(i)
                                                   : plan->calls[i].id},
                                        {"type", "function"},
                                        {"function",
                                         {{"name", plan->calls[i].name},
                                          {"arguments", plan->calls[i].arguments.dump()}}}});
                     m["tool_calls"] = std::move(calls);
                     return m;
                   }()},
                  {"logprobs", nullptr},
                  {"finish_reason", plan->finish}}}},
               {"usage",
                {{"prompt_tokens", plan->prompt_tokens},
                 {"completion_tokens", plan->tokens.size()},
                 {"total_tokens", plan->prompt_tokens + plan->tokens.size()}}}};
    res->Send(mv::HttpResponse::Json(200, j.dump()));
    return;
  }

  res->StartStream(200, "text/event-stream");
  if (plan->fault == FakeLlmFault::kStallAfterHead) {
    Hold(plan->index, res);
    return;
  }
  if (!Sleep(o.ttft_ms, *res)) return;
  if (!res->Write(Chunk(*plan, {{"role", "assistant"}, {"content", ""}}, nullptr))) return;
  for (int i = 0; i < o.reasoning_tokens; ++i) {
    if (i > 0 && !Sleep(gap_ms, *res)) return;
    if (!res->Write(
            Chunk(*plan, {{o.reasoning_field, "thinking" + std::to_string(i) + " "}}, nullptr)))
      return;
  }
  for (std::size_t i = 0; i <= plan->tokens.size(); ++i) {
    if (plan->fault != FakeLlmFault::kNone && static_cast<int>(i) == plan->fault_after) {
      switch (plan->fault) {
        case FakeLlmFault::kErrorEvent:
          res->Write("data: " +
                     ojson{{"error",
                            {{"message", "The server had an error while processing your request."},
                             {"type", "server_error"},
                             {"param", nullptr},
                             {"code", nullptr}}}}
                         .dump() +
                     "\n\n");
          res->End();
          return;
        case FakeLlmFault::kErrorBareJson:
          res->Write(ojson{{"error",
                            {{"message", "model runner has unexpectedly stopped"},
                             {"type", "api_error"},
                             {"param", nullptr},
                             {"code", nullptr}}}}
                         .dump() +
                     "\n");
          res->End();
          return;
        case FakeLlmFault::kErrorLine:
          res->Write("error: " +
                     ojson{{"code", 500}, {"message", "slot unavailable"}, {"type", "server_error"}}
                         .dump() +
                     "\n\n");
          res->End();
          return;
        case FakeLlmFault::kCut:
          res->Send(mv::HttpResponse{});  // after the head: the server cuts the connection
          return;
        case FakeLlmFault::kEndEarly:
          res->End();
          return;
        default:
          break;
      }
    }
    if (i == plan->tokens.size()) break;
    if ((i > 0 || o.reasoning_tokens > 0) && !Sleep(gap_ms, *res)) return;
    if (!res->Write(Chunk(*plan, {{"content", plan->tokens[i]}}, nullptr))) return;
  }
  if (!plan->calls.empty() && !WriteToolCalls(*plan, *res)) return;
  if (!res->Write(Chunk(*plan, ojson::object(), plan->finish.c_str()))) return;
  if (plan->include_usage) {
    ojson usage = {{"id", plan->id},
                   {"object", "chat.completion.chunk"},
                   {"created", plan->created},
                   {"model", plan->model},
                   {"choices", ojson::array()},
                   {"usage",
                    {{"prompt_tokens", plan->prompt_tokens},
                     {"completion_tokens", plan->tokens.size()},
                     {"total_tokens", plan->prompt_tokens + plan->tokens.size()}}}};
    res->Write("data: " + usage.dump() + "\n\n");
  }
  if (o.send_done) res->Write("data: [DONE]\n\n");
  res->End();
}

}  // namespace mvtest

namespace mvtest {

// The calls of a tool reply, in the plan's server shape.
bool FakeLlmServer::WriteToolCalls(const Plan& plan, mv::Responder& res) {
  const FakeToolCallShape shape = plan.shape;
  for (std::size_t i = 0; i < plan.calls.size(); ++i) {
    const FakeToolCall& c = plan.calls[i];
    const std::string id = c.id.empty() ? "call_" + plan.id.substr(plan.id.size() - 1) + "x" +
                                              std::to_string(i)
                                        : c.id;
    const std::string args = c.arguments.dump();
    const int index = static_cast<int>(i);
    switch (shape) {
      case FakeToolCallShape::kOllama:
      case FakeToolCallShape::kOllamaNoIndex:
      case FakeToolCallShape::kObjectArguments: {
        ojson call = {{"id", id},
                      {"index", index},
                      {"type", "function"},
                      {"function", {{"name", c.name}, {"arguments", args}}}};
        if (shape == FakeToolCallShape::kOllamaNoIndex) call.erase("index");
        if (shape == FakeToolCallShape::kObjectArguments)
          call["function"]["arguments"] = ojson::parse(args);
        ojson delta = {{"role", "assistant"}, {"content", ""}, {"tool_calls", {call}}};
        if (!res.Write(Chunk(plan, std::move(delta), nullptr))) return false;
        break;
      }
      case FakeToolCallShape::kOpenAi:
      case FakeToolCallShape::kTextFirst:
      case FakeToolCallShape::kRepeatedId: {
        const bool repeat = shape == FakeToolCallShape::kRepeatedId;
        ojson head = {{"index", index},
                      {"id", id},
                      {"type", "function"},
                      {"function", {{"name", c.name}, {"arguments", ""}}}};
        if (!res.Write(Chunk(plan, {{"tool_calls", {head}}}, nullptr))) return false;
        // Arguments in pieces of a few bytes, cut anywhere (even mid-escape)
        // but between characters: each piece is a JSON string, so valid UTF-8.
        for (std::size_t at = 0, n = 0; at < args.size(); at += n) {
          n = std::min<std::size_t>(5, args.size() - at);
          while (at + n < args.size() && (static_cast<unsigned char>(args[at + n]) & 0xC0) == 0x80)
            ++n;
          ojson piece = {{"index", index}, {"function", {{"arguments", args.substr(at, n)}}}};
          if (repeat) {
            piece["id"] = id;
            piece["type"] = "function";
            piece["function"]["name"] = c.name;
          }
          if (!res.Write(Chunk(plan, {{"tool_calls", {piece}}}, nullptr))) return false;
        }
        break;
      }
    }
  }
  return true;
}

}  // namespace mvtest
