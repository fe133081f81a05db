// Reads an OpenAI-compatible chat completion stream (PROTOCOLS.md B5):
// chat.completion.chunk events until "data: [DONE]". Answer text goes to the
// content sink; thinking (delta.reasoning_content / delta.reasoning) is only
// counted; delta.tool_calls are assembled into calls. Mid-stream errors in all three forms fail the stream, and so does
// a body that ends with neither [DONE] nor a finish_reason (a broken
// connection); a finish_reason without [DONE] is a complete answer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "llm/sse-parser.h"
#include "llm/tool-call-assembler.h"

namespace mv {

class ChatStreamDecoder {
 public:
  enum class State { kStreaming, kDone, kFailed };
  struct Sinks {
    std::function<void(std::string_view text)> on_content;
    std::function<void()> on_reasoning;  // one call per thinking delta
    std::function<void()> on_tool_call = nullptr;  // one call per delta.tool_calls fragment
  };

  explicit ChatStreamDecoder(Sinks sinks) : sinks_(std::move(sinks)) {}

  // Body bytes as they arrive; nothing is read after kDone or kFailed.
  State Feed(std::string_view bytes);
  // The body ended.
  State Finish();

  State state() const { return state_; }
  // kFailed: why. upstream_error() tells an error the server reported from a
  // stream that broke or made no sense.
  const std::string& error() const { return error_; }
  bool upstream_error() const { return upstream_error_; }
  const std::string& finish_reason() const { return finish_reason_; }
  const std::string& model() const { return model_; }
  int content_chunks() const { return content_chunks_; }
  int reasoning_chunks() const { return reasoning_chunks_; }
  // delta.tool_calls so far, assembled (quirks: llm/tool-call-assembler.h).
  const ToolCallAssembler& tool_calls() const { return tool_calls_; }

  // The message of an OpenAI-style error body ({"error": {"message", "type",
  // "code"}}, {"error": "..."} or {"message": ...}); the raw text, shortened,
  // when it is none of those.
  static std::string ErrorMessage(std::string_view body);

 private:
  void OnEvent(const SseEvent& event);
  void OnChunk(const std::string& json_text);
  void Fail(std::string why, bool upstream);

  Sinks sinks_;
  SseParser parser_;
  State state_ = State::kStreaming;
  std::string error_;
  bool upstream_error_ = false;
  std::string finish_reason_;
  std::string model_;
  int content_chunks_ = 0;
  int reasoning_chunks_ = 0;
  ToolCallAssembler tool_calls_;
};

}  // namespace mv
