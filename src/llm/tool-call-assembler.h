// Assembles streamed delta.tool_calls fragments into whole calls
// (docs/tools.md), with the servers' quirks:
// - OpenAI, vLLM, llama.cpp: the first fragment of a call has index, id and
//   function.name; later ones only index and an arguments piece.
// - Ollama: each call whole in one chunk, `index` 0 on every chunk (or none),
//   a fresh id per call.
// - Some servers repeat the id (and name) on every fragment.
// - Some send `arguments` as a JSON object instead of a string.
// A fragment with an id that differs from the call at its index starts a new
// call; a fragment with neither index nor id continues the last call.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "llm/llm.h"

namespace mv {

class ToolCallAssembler {
 public:
  // Caps the arguments of one call (a runaway model); over it Add() fails.
  explicit ToolCallAssembler(std::size_t max_argument_bytes = 1u << 20)
      : max_argument_bytes_(max_argument_bytes) {}

  // One delta.tool_calls array (or a message.tool_calls array). False (and
  // error() says why) when it is malformed or too large.
  bool Add(const nlohmann::json& tool_calls);
  // The calls so far; ids made up ("call_<n>") where the server sent none,
  // empty arguments as "{}".
  std::vector<ToolCall> Calls() const;
  bool empty() const { return calls_.empty(); }
  const std::string& error() const { return error_; }

 private:
  struct Slot {
    long long index = -1;  // the server's, -1 when it sent none
    ToolCall call;
  };
  bool Fail(std::string why);

  std::size_t max_argument_bytes_;
  std::vector<Slot> calls_;
  std::string error_;
};

}  // namespace mv
