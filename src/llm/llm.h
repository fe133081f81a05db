// The LLM engine interface: one shared object streams many conversations at
// once. The only engine today is "openai" (any OpenAI-compatible
// /chat/completions server, with failover across endpoints).
//
// Threading: StreamChat returns at once; on_delta and on_done run on a
// network thread, serialized per call: hand work off, never block there.
// on_done runs exactly once per call (success, failure or cancel), after the
// last on_delta; on the calling thread when the call fails before any
// request (no endpoint configured).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"
#include "llm/llm-config.h"

namespace mv {

class HttpClient;

// One function call the model asked for (docs/tools.md).
struct ToolCall {
  std::string id;         // the server's call id ("call_..."); made up when it sent none
  std::string name;       // function name as offered
  std::string arguments;  // JSON object text
};

struct ChatMessage {
  ChatMessage() = default;
  ChatMessage(std::string r, std::string c) : role(std::move(r)), content(std::move(c)) {}

  std::string role;  // "system", "user", "assistant", "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant: the calls it made
  std::string tool_call_id;          // tool: which call this is the result of
};

// A function offered to the model: {"type": "function", "function": {...}}.
struct ToolSpec {
  std::string name;  // [A-Za-z0-9_-], at most 64 characters
  std::string description;
  std::string parameters_json = R"({"type":"object","properties":{}})";  // JSON Schema
};

// Per-call overrides of LlmConfig; unset fields use the config.
struct ChatOptions {
  std::optional<std::string> system_prompt;  // "" sends none
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  // One of the models the server offers (AutoLlm::Status().models); unset or
  // any other name = the default. Engines with one model ignore it.
  std::optional<std::string> model;
  // Functions the model may call; empty sends no "tools". Offered, not run:
  // a ToolLoopLlm (tools/) runs those it owns and returns the others.
  std::vector<ToolSpec> tools;
  // "" (server default), "auto", "none", "required", or a function name.
  std::string tool_choice;
  // The reply pauses here (a tool runs): text so far may be spoken now.
  // Called between deltas, never beside one.
  std::function<void()> on_pause;
};

// A server-side tool call that ran during the reply (ToolLoopLlm).
struct ToolRun {
  std::string name;     // as offered to the model
  std::string outcome;  // "ok", "error", "timeout", "cancelled", "too_large", "unknown"
  double ms = 0;
};

struct LlmResult {
  std::optional<Error> error;         // unset on success
  std::string text;                   // exactly what on_delta delivered, in order
  std::string finish_reason;          // "stop", "length", ... ("" on failure)
  int endpoint = -1;                  // index into LlmConfig::endpoints that answered last
  std::string endpoint_url;           // its chat/completions URL
  std::string model;                  // as the server named it
  int failovers = 0;                  // times the next endpoint took over
  std::vector<std::string> failures;  // why each abandoned attempt failed
  double first_token_ms = -1;         // call start -> first delivered text; -1 = none
  double total_ms = 0;
  int reasoning_chunks = 0;  // thinking deltas received and never delivered
  // finish_reason "tool_calls" (or any call streamed): the calls, assembled.
  // From a ToolLoopLlm: only the calls left to the caller (client-side).
  std::vector<ToolCall> tool_calls;
  // ToolLoopLlm: the assistant/tool messages its rounds added (for history),
  // the calls it ran, and the time spent in them (wall clock, per round).
  std::vector<ChatMessage> tool_messages;
  std::vector<ToolRun> tool_runs;
  double tool_ms = 0;
  int tool_rounds = 0;

  bool ok() const { return !error.has_value(); }
};

using LlmDeltaFn = std::function<void(std::string_view text)>;
using LlmDoneFn = std::function<void(LlmResult result)>;

class Llm {
 public:
  virtual ~Llm() = default;

  // Streams one assistant reply to `messages` (the history, oldest first).
  // Cancelling `cancel` closes the upstream connection at once; on_done then
  // reports kCancelled.
  virtual void StreamChat(std::vector<ChatMessage> messages, ChatOptions options,
                          CancelToken cancel, LlmDeltaFn on_delta, LlmDoneFn on_done) = 0;

  // Blocking form (waits for on_done) for compute threads and tools.
  LlmResult Chat(std::vector<ChatMessage> messages, ChatOptions options = {},
                 CancelToken cancel = {}, LlmDeltaFn on_delta = nullptr);

  // Factory keyed by engine name. `client` carries the requests; null gives
  // the engine its own. Throws Error(kInvalidInput) for an unknown engine.
  static std::unique_ptr<Llm> Create(const std::string& engine, const LlmConfig& config,
                                     std::shared_ptr<HttpClient> client = nullptr);
  static std::vector<std::string> Engines();
};

}  // namespace mv
