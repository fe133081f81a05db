// An OpenAI-compatible chat server double (PROTOCOLS.md B5), on mv::HttpServer:
// POST /v1/chat/completions (also /chat/completions, as llama.cpp serves),
// streaming chat.completion.chunk events ending in "data: [DONE]" or, with
// "stream": false, one chat.completion object; GET /v1/models.
//
// Replies come from a queue, a function of the request, or a default, and are
// cut into word-sized tokens paced by ttft_ms and tokens_per_s on a thread per
// stream (never on the server's I/O threads). Faults reproduce how real
// servers fail, quirks included; every request and every client that hung up
// mid-stream is recorded for assertions.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/http-server.h"

namespace mvtest {

// A model as Ollama's GET /api/tags describes it.
struct FakeOllamaModel {
  std::string name;    // "llama3.2:latest", "nomic-embed-text:latest"
  std::string family;  // details.family: "llama", "nomic-bert", "bert"
};

struct FakeLlmOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = a free port
  std::string model = "fake-llm";
  int ttft_ms = 0;          // request -> first token (the head goes out at once)
  double tokens_per_s = 0;  // 0 = as fast as possible
  std::string default_reply = "Hello! I am a fake language model.";
  int reasoning_tokens = 0;                           // thinking deltas before the answer
  std::string reasoning_field = "reasoning_content";  // or "reasoning"
  // A trailing assistant message is a prefill to continue (llama.cpp,
  // Ollama); false answers from scratch, as OpenAI does.
  bool honor_prefill = true;
  bool send_done = true;  // false: end after the finish_reason chunk (some servers)
  // Answer one chat.completion object even to "stream": true (some proxies).
  bool ignore_stream = false;
  // Answer like Ollama: GET /api/tags lists these, and GET /v1/models lists
  // them all, embedding models included (owned_by "library"), as Ollama
  // does. Empty: /api/tags is 404 (other servers) and /v1/models has `model`.
  std::vector<FakeOllamaModel> ollama_models;
  // > 0: content chunks of this many bytes (whole characters) instead of
  // words, so markup like <think> arrives split across chunks.
  std::size_t token_bytes = 0;
};

enum class FakeLlmFault {
  kNone,
  kHttp500,         // 500 + {"error": {...}} before any stream
  kHttp429,         // 429 rate limit + {"error": {...}}
  kHttp401,         // bad key
  kHttp400,         // the request is refused as invalid
  kStallSilent,     // reads the request, never answers
  kStallAfterHead,  // sends the stream head, then nothing
  kErrorEvent,      // after N tokens: data: {"error": {...}} and the end (OpenAI)
  kErrorBareJson,   // after N tokens: bare {"error": ...} line, no [DONE] (Ollama)
  kErrorLine,       // after N tokens: error: {...} (older llama.cpp)
  kCut,             // after N tokens: the connection is cut mid-stream
  kEndEarly,        // after N tokens: the body just ends, no finish_reason, no [DONE]
};

// How a reply's tool calls go out on the stream (docs/tools.md): each shape
// is one real server's.
enum class FakeToolCallShape {
  kOpenAi,           // OpenAI/vLLM: id+name first, then argument pieces by index
  kOllama,           // each call whole in one chunk, index per call, content ""
  kOllamaNoIndex,    // older Ollama: whole calls, no index field
  kObjectArguments,  // `arguments` a JSON object, not a string (whole call per chunk)
  kRepeatedId,       // id and name repeated on every fragment
  kTextFirst,        // llama.cpp: text streams first, then the call (OpenAI pieces)
};

struct FakeToolCall {
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
  std::string id;  // "" = made up
};

// A reply that calls tools: `text` (may be empty) streams first, then the
// calls in `shape`, then finish_reason "tool_calls".
struct FakeLlmToolReply {
  std::string text;
  std::vector<FakeToolCall> calls;
  FakeToolCallShape shape = FakeToolCallShape::kOpenAi;
};

struct FakeLlmRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json body;                         // null when not JSON
  std::chrono::steady_clock::time_point at;
};

struct FakeLlmDisconnect {
  int request = 0;  // index into requests()
  std::chrono::steady_clock::time_point at;
};

class FakeLlmServer {
 public:
  using ReplyFn = std::function<std::string(const nlohmann::json& request)>;

  explicit FakeLlmServer(FakeLlmOptions options = {});
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT/v1"

  FakeLlmOptions options() const;
  void set_options(FakeLlmOptions options);  // host and port are kept

  // Reply sources, first that has one: queue, function, default_reply.
  void PushReply(std::string reply);
  void SetReplyFunction(ReplyFn fn);
  static ReplyFn EchoLastUser(std::string prefix = "You said: ");

  // Tool replies come before text replies: the queue, then the function
  // (nullopt: answer with text as usual).
  using ToolReplyFn = std::function<std::optional<FakeLlmToolReply>(const nlohmann::json& request)>;
  void PushToolReply(FakeLlmToolReply reply);
  void SetToolReplyFunction(ToolReplyFn fn);
  // A model that adds: when a tool named like one of `tools` (first that is
  // offered wins; any "<server>_" prefix) is offered and the last user
  // message holds two numbers (digits or English words up to twelve), it
  // calls it with {a, b}; given the tool result (last message role "tool"),
  // it answers `prefix` + the result text. Otherwise nullopt.
  static ToolReplyFn SumWithTool(std::vector<std::string> tools = {"get-sum"},
                                 FakeToolCallShape shape = FakeToolCallShape::kOpenAi,
                                 std::string prefix = "Here you go. ");

  // The next `times` chat requests (-1: all, until cleared) fail this way;
  // stream faults strike after `after_tokens` content tokens.
  void SetFault(FakeLlmFault fault, int after_tokens = 0, int times = -1);
  void ClearFault() { SetFault(FakeLlmFault::kNone); }

  // Stops listening (connections are refused; streams in flight are cut),
  // and listens again on the same port.
  void Refuse();
  void Resume();

  std::vector<FakeLlmRequest> requests() const;
  int chat_requests() const;
  std::vector<FakeLlmDisconnect> disconnects() const;
  // When a client hung up mid-response, waiting up to timeout_ms for one.
  std::optional<std::chrono::steady_clock::time_point> WaitForDisconnect(int timeout_ms) const;

  // Word-sized tokens, each space kept with the word after it; CJK
  // characters are a token each.
  static std::vector<std::string> Tokenize(const std::string& text);
  // Pieces of `bytes` bytes, never splitting a UTF-8 character.
  static std::vector<std::string> Slice(const std::string& text, std::size_t bytes);

 private:
  struct Plan;
  void Listen();
  void Shutdown();
  void OnChat(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res);
  void Generate(std::shared_ptr<const Plan> plan, std::shared_ptr<mv::Responder> res);
  bool Sleep(int ms, const mv::Responder& res);  // false: stop now
  void Hold(int request, std::shared_ptr<mv::Responder> res);
  std::string Chunk(const Plan& plan, nlohmann::ordered_json delta, const char* finish) const;
  bool WriteToolCalls(const Plan& plan, mv::Responder& res);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;

  mutable std::mutex mutex_;            // guards everything below
  mutable std::condition_variable cv_;  // stop_, disconnects_
  FakeLlmOptions options_;
  std::deque<std::string> replies_;
  ReplyFn reply_fn_;
  std::deque<FakeLlmToolReply> tool_replies_;
  ToolReplyFn tool_reply_fn_;
  FakeLlmFault fault_ = FakeLlmFault::kNone;
  int fault_after_ = 0;
  int fault_times_ = 0;
  std::vector<FakeLlmRequest> requests_;
  std::vector<FakeLlmDisconnect> disconnects_;
  struct Stream {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Stream> streams_;                       // one generator per reply, reaped when done
  std::vector<std::shared_ptr<mv::Responder>> held_;  // stalled responses
  std::vector<mv::CancelRegistration> hooks_;  // disconnect watchers, unhooked with the double
  bool stop_ = false;
};

}  // namespace mvtest
