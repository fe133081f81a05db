#include "llm/openai-llm.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "llm/chat-stream-decoder.h"
#include "llm/resume-filter.h"
#include "llm/think-filter.h"
#include "net/http-client.h"

namespace mv {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxJsonBody = 4u << 20;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// 400/413/422: the request is at fault, not the endpoint.
bool RequestAtFault(int status) { return status == 400 || status == 413 || status == 422; }

}  // namespace

struct OpenAiLlm::Shared {
  explicit Shared(LlmConfig c)
      : config(std::move(c)), pool(static_cast<int>(config.endpoints.size()), config.cooldown_ms) {
    for (const auto& e : config.endpoints) urls.push_back(CompletionsUrl(e.url));
  }
  const LlmConfig config;
  std::vector<std::string> urls;  // chat/completions URL per endpoint
  EndpointPool pool;

  std::mutex mutex;                          // guards calls
  std::condition_variable idle;              // signalled when calls shrinks
  std::map<const void*, CancelToken> calls;  // in flight: their stop tokens
};

// One StreamChat: a chain of attempts, one per endpoint at most. Attempt
// callbacks run on the attempt's request strand one after the other, so the
// call's fields need no lock; only the first-token timer runs beside them.
class OpenAiLlm::Call : public std::enable_shared_from_this<Call> {
 public:
  Call(std::shared_ptr<Shared> shared, HttpClient* client, std::vector<ChatMessage> messages,
       ChatOptions options, CancelToken user_cancel, LlmDeltaFn on_delta, LlmDoneFn on_done)
      : shared_(std::move(shared)),
        client_(client),
        user_cancel_(std::move(user_cancel)),
        stop_(user_cancel_.Child()),
        on_delta_(std::move(on_delta)),
        on_done_(std::move(on_done)),
        start_(Clock::now()) {
    const LlmConfig& c = shared_->config;
    temperature_ = options.temperature ? options.temperature : c.temperature;
    max_tokens_ = options.max_tokens ? options.max_tokens : c.max_tokens;
    tools_ = std::move(options.tools);
    tool_choice_ = std::move(options.tool_choice);
    // A caller's own system message is used as sent; ours only fills a gap.
    std::string system = options.system_prompt.value_or(c.system_prompt);
    const bool has_system = std::any_of(messages.begin(), messages.end(),
                                        [](const ChatMessage& m) { return m.role == "system"; });
    if (!system.empty() && !has_system) messages_.push_back({"system", system});
    for (auto& m : messages) messages_.push_back(std::move(m));
    order_ = shared_->pool.Order();
  }

  void Start() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->calls.emplace(this, stop_);
    }
    if (order_.empty()) {
      Finish(Error(ErrorKind::kUnavailable, "no_llm_endpoint",
                   "no LLM endpoint is configured (llm.endpoints)"));
      return;
    }
    StartAttempt();
  }

 private:
  struct Attempt {
    Attempt(int i, std::string d, CancelToken t)
        : index(i), token(std::move(t)), delivered(d), filter(std::move(d)) {}
    int index;
    CancelToken token;      // a child of the call's stop_
    std::string delivered;  // text the listener had when this attempt began
    ThinkFilter think;      // <think> blocks in content, before the resume check
    ResumeFilter filter;
    std::unique_ptr<ChatStreamDecoder> decoder;
    int status = 0;
    bool plain_json = false;  // a 2xx JSON body: the server ignored "stream"
    std::string body;         // error or plain JSON body
    std::mutex mutex;         // guards got_token, ended, timed_out (the timer runs beside)
    bool got_token = false;
    bool ended = false;
    bool timed_out = false;
  };
  struct Failure {
    ErrorKind kind;
    std::string why;
    bool fail_over = true;
  };

  std::string RequestBody(const Attempt& a) const {
    const LlmEndpoint& ep = shared_->config.endpoints[a.index];
    json messages = json::array();
    for (const auto& m : messages_) messages.push_back(MessageJson(m));
    if (!a.delivered.empty()) messages.push_back({{"role", "assistant"}, {"content", a.delivered}});
    json body = shared_->config.extra_body;  // verbatim, as the original sent extra_config
    body["messages"] = std::move(messages);
    body["stream"] = true;
    if (temperature_) body["temperature"] = *temperature_;
    if (max_tokens_) body["max_tokens"] = *max_tokens_;
    if (!ep.model.empty()) body["model"] = ep.model;
    if (!tools_.empty()) {
      json tools = json::array();
      for (const ToolSpec& t : tools_) {
        json parameters = json::parse(t.parameters_json, nullptr, false);
        if (!parameters.is_object()) parameters = {{"type", "object"}, {"properties", json::object()}};
        tools.push_back({{"type", "function"},
                         {"function",
                          {{"name", t.name},
                           {"description", t.description},
                           {"parameters", std::move(parameters)}}}});
      }
      body["tools"] = std::move(tools);
    }
    if (tool_choice_ == "auto" || tool_choice_ == "none" || tool_choice_ == "required") {
      body["tool_choice"] = tool_choice_;
    } else if (!tool_choice_.empty()) {
      body["tool_choice"] = {{"type", "function"}, {"function", {{"name", tool_choice_}}}};
    }
    return body.dump();
  }

  // An assistant message with calls carries them as tool_calls (arguments a
  // JSON string, as OpenAI defines it); a tool message names its call.
  static json MessageJson(const ChatMessage& m) {
    json j = {{"role", m.role}, {"content", m.content}};
    if (!m.tool_calls.empty()) {
      json calls = json::array();
      for (const ToolCall& c : m.tool_calls)
        calls.push_back({{"id", c.id},
                         {"type", "function"},
                         {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
      j["tool_calls"] = std::move(calls);
    }
    if (m.role == "tool") j["tool_call_id"] = m.tool_call_id;
    return j;
  }

  void StartAttempt() {
    if (stop_.IsCancelled()) {
      Finish(CancelError());
      return;
    }
    const int index = order_[next_++];
    const LlmEndpoint& ep = shared_->config.endpoints[index];
    auto attempt = std::make_shared<Attempt>(index, result_.text, stop_.Child());
    attempt_ = attempt;
    std::weak_ptr<Call> weak = weak_from_this();
    std::weak_ptr<Attempt> weak_attempt = attempt;
    attempt->decoder = std::make_unique<ChatStreamDecoder>(ChatStreamDecoder::Sinks{
        [this, a = attempt.get()](std::string_view text) { OnContent(*a, text); },
        [a = attempt.get()] {
          std::lock_guard lock(a->mutex);
          a->got_token = true;
        },
        [a = attempt.get()] {
          std::lock_guard lock(a->mutex);
          a->got_token = true;
        }});

    const int timeout_ms = shared_->config.first_token_timeout_ms;
    ClientRequest req;
    req.method = "POST";
    req.url = shared_->urls[index];
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
    if (!ep.key.empty()) req.headers.emplace_back("Authorization", "Bearer " + ep.key);
    req.body = RequestBody(*attempt);
    req.connect_timeout_ms = timeout_ms;
    req.first_byte_timeout_ms = timeout_ms;
    req.idle_timeout_ms = timeout_ms;  // silence that long mid-answer: the endpoint is stuck

    client_->RunAfter(timeout_ms, [weak_attempt] {
      auto a = weak_attempt.lock();
      if (!a) return;
      {
        std::lock_guard lock(a->mutex);
        if (a->got_token || a->ended) return;
        a->timed_out = true;
      }
      a->token.Cancel();
    });

    auto self = shared_from_this();
    ClientCallbacks cb;
    cb.on_head = [attempt](int status, const std::map<std::string, std::string>& headers) {
      attempt->status = status;
      auto it = headers.find("content-type");
      attempt->plain_json = status / 100 == 2 && it != headers.end() &&
                            it->second.find("application/json") != std::string::npos;
    };
    cb.on_data = [attempt](std::string_view data) {
      Attempt& a = *attempt;
      if (a.status / 100 != 2 || a.plain_json) {
        a.body.append(data);
        if (a.body.size() > (a.plain_json ? kMaxJsonBody : kMaxErrorBody)) a.token.Cancel();
        return;
      }
      if (a.decoder->Feed(data) == ChatStreamDecoder::State::kFailed) a.token.Cancel();
    };
    cb.on_complete = [self, attempt](std::optional<Error> error) {
      self->AttemptEnded(*attempt, std::move(error));
    };
    client_->Stream(std::move(req), attempt->token, std::move(cb));
  }

  void OnContent(Attempt& a, std::string_view text) {
    {
      std::lock_guard lock(a.mutex);
      a.got_token = true;
    }
    Deliver(a, a.think.Push(text));
  }

  // Answer text (think blocks gone) to the listener, repeats dropped.
  void Deliver(Attempt& a, std::string_view text) {
    if (text.empty()) return;
    std::string out = a.filter.Push(text);
    if (out.empty() || stop_.IsCancelled()) return;
    if (result_.text.empty()) result_.first_token_ms = MsSince(start_);
    result_.text += out;
    if (!on_delta_) return;
    try {
      on_delta_(out);
    } catch (const std::exception& e) {
      // The listener's bug, not the endpoint's: end the call, no failover.
      callback_error_ = std::string("on_delta threw: ") + e.what();
      spdlog::error("LLM {}", callback_error_);
      stop_.Cancel();
    }
  }

  // The server ignored "stream": true and sent one chat.completion object.
  std::optional<Failure> ReadPlainJson(Attempt& a) {
    json j = json::parse(a.body, nullptr, false);
    if (j.is_object() && j.contains("error"))
      return Failure{ErrorKind::kUpstream, ChatStreamDecoder::ErrorMessage(a.body)};
    try {
      const json& choice = j.at("choices").at(0);
      result_.model = j.value("model", std::string());
      const json& content = choice.at("message").at("content");
      if (content.is_string()) OnContent(a, content.get<std::string>());
      Deliver(a, a.think.Finish());
      a.filter.Finish();
      finish_reason_ = choice.value("finish_reason", std::string("stop"));
      if (auto t = choice.at("message").find("tool_calls"); t != choice.at("message").end()) {
        ToolCallAssembler calls;
        if (!calls.Add(*t)) return Failure{ErrorKind::kUpstream, "bad tool call: " + calls.error()};
        result_.tool_calls = calls.Calls();
      }
      return std::nullopt;
    } catch (const json::exception&) {
      return Failure{ErrorKind::kUpstream, "malformed chat.completion body"};
    }
  }

  std::optional<Failure> Judge(Attempt& a, const std::optional<Error>& error) {
    const int timeout_ms = shared_->config.first_token_timeout_ms;
    ChatStreamDecoder& d = *a.decoder;
    result_.reasoning_chunks += d.reasoning_chunks();
    if (a.timed_out)
      return Failure{ErrorKind::kTimeout,
                     "no first token within " + std::to_string(timeout_ms) + " ms"};
    if (a.status != 0 && a.status / 100 != 2) {
      return Failure{
          a.status == 413            ? ErrorKind::kTooLarge
          : RequestAtFault(a.status) ? ErrorKind::kInvalidInput
                                     : ErrorKind::kUpstream,
          "HTTP " + std::to_string(a.status) + ": " + ChatStreamDecoder::ErrorMessage(a.body),
          !RequestAtFault(a.status)};
    }
    if (d.state() == ChatStreamDecoder::State::kFailed)
      return Failure{ErrorKind::kUpstream, d.error()};
    if (error) {
      // Everything needed arrived before the connection went: that is an answer.
      if (d.state() == ChatStreamDecoder::State::kDone || !d.finish_reason().empty()) {
        finish_reason_ = d.finish_reason();
        result_.model = d.model();
        result_.tool_calls = d.tool_calls().Calls();
        return std::nullopt;
      }
      return Failure{error->kind(), error->what()};
    }
    if (a.plain_json) return ReadPlainJson(a);
    if (d.Finish() == ChatStreamDecoder::State::kFailed)
      return Failure{ErrorKind::kUpstream, d.error()};
    finish_reason_ = d.finish_reason().empty() ? "stop" : d.finish_reason();
    result_.model = d.model();
    result_.tool_calls = d.tool_calls().Calls();
    return std::nullopt;
  }

  void AttemptEnded(Attempt& a, std::optional<Error> error) {
    {
      std::lock_guard lock(a.mutex);
      a.ended = true;
    }
    if (!a.plain_json && !stop_.IsCancelled()) Deliver(a, a.think.Finish());  // a held "<th"
    a.filter.Finish();  // held-back text was a repeat of what was delivered
    if (stop_.IsCancelled()) {
      Finish(CancelError());
      return;
    }
    if (error && error->code() == "client_shutdown") {
      Finish(std::move(*error));
      return;
    }
    std::optional<Failure> failure = Judge(a, error);
    const std::string& url = shared_->urls[a.index];
    if (!failure) {
      shared_->pool.MarkOk(a.index);
      result_.endpoint = a.index;
      result_.endpoint_url = url;
      result_.finish_reason = finish_reason_;
      Finish(std::nullopt);
      return;
    }
    std::string line = "[" + std::to_string(a.index) + "] " + url + ": " + failure->why;
    result_.failures.push_back(line);
    result_.endpoint = a.index;
    result_.endpoint_url = url;
    if (!failure->fail_over) {
      Finish(Error(failure->kind, "llm_request_rejected", "LLM endpoint " + line));
      return;
    }
    shared_->pool.MarkFailed(a.index);
    if (next_ < order_.size()) {
      spdlog::warn("LLM endpoint {}; trying the next one", line);
      ++result_.failovers;
      StartAttempt();
      return;
    }
    std::string all;
    for (const auto& f : result_.failures) all += (all.empty() ? "" : "; ") + f;
    // The URLs and socket errors are for the operator's log, not the
    // client (result_.failures keeps them for callers that log them too).
    spdlog::warn("LLM: {} endpoint(s) failed: {}", order_.size(), all);
    Finish(Error(failure->kind, "llm_failed",
                 order_.size() == 1
                     ? "the LLM endpoint failed"
                     : "all " + std::to_string(order_.size()) + " LLM endpoints failed"));
  }

  Error CancelError() const {
    if (!callback_error_.empty())
      return Error(ErrorKind::kInternal, "callback_threw", callback_error_);
    if (user_cancel_.IsCancelled())
      return Error(ErrorKind::kCancelled, "cancelled", "LLM call cancelled");
    return Error(ErrorKind::kCancelled, "llm_shutdown", "LLM engine shut down");
  }

  void Finish(std::optional<Error> error) {
    result_.error = std::move(error);
    result_.total_ms = MsSince(start_);
    if (on_done_) {
      try {
        on_done_(std::move(result_));
      } catch (const std::exception& e) {
        spdlog::error("LLM on_done threw: {}", e.what());
      }
    }
    std::lock_guard lock(shared_->mutex);
    shared_->calls.erase(this);
    shared_->idle.notify_all();
  }

  std::shared_ptr<Shared> shared_;
  HttpClient* client_;
  std::vector<ChatMessage> messages_;  // with the system prompt
  std::optional<double> temperature_;  // unset: not sent
  std::optional<int> max_tokens_;
  std::vector<ToolSpec> tools_;
  std::string tool_choice_;
  CancelToken user_cancel_;
  CancelToken stop_;  // fired by the caller's cancel or engine shutdown
  LlmDeltaFn on_delta_;
  LlmDoneFn on_done_;
  Clock::time_point start_;
  std::vector<int> order_;
  std::size_t next_ = 0;
  std::shared_ptr<Attempt> attempt_;  // the running one
  std::string finish_reason_;
  std::string callback_error_;  // set when on_delta threw
  LlmResult result_;
};

OpenAiLlm::OpenAiLlm(LlmConfig config, std::shared_ptr<HttpClient> client)
    : shared_(std::make_shared<Shared>(std::move(config))),
      client_(client ? std::move(client) : std::make_shared<HttpClient>(1)) {}

OpenAiLlm::~OpenAiLlm() {
  std::vector<CancelToken> stops;
  {
    std::lock_guard lock(shared_->mutex);
    for (auto& [call, stop] : shared_->calls) stops.push_back(stop);
  }
  for (auto& stop : stops) stop.Cancel();
  std::unique_lock lock(shared_->mutex);
  shared_->idle.wait(lock, [&] { return shared_->calls.empty(); });
}

void OpenAiLlm::StreamChat(std::vector<ChatMessage> messages, ChatOptions options,
                           CancelToken cancel, LlmDeltaFn on_delta, LlmDoneFn on_done) {
  auto call =
      std::make_shared<Call>(shared_, client_.get(), std::move(messages), std::move(options),
                             std::move(cancel), std::move(on_delta), std::move(on_done));
  call->Start();
}

std::string OpenAiLlm::CompletionsUrl(const std::string& endpoint_url) {
  std::string url = endpoint_url, query;
  if (auto q = url.find('?'); q != std::string::npos) {
    query = url.substr(q);
    url.resize(q);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.ends_with("/chat/completions")) {
    auto scheme = url.find("://");
    bool has_path =
        url.find('/', scheme == std::string::npos ? 0 : scheme + 3) != std::string::npos;
    url += has_path ? "/chat/completions" : "/v1/chat/completions";
  }
  return url + query;
}

const EndpointPool& OpenAiLlm::pool() const { return shared_->pool; }

}  // namespace mv
