// An Llm that lets the model act (docs/tools.md): it offers the registry's
// tools (plus any the caller passes in ChatOptions::tools), streams the
// model's text through, and when the model calls tools it runs the
// server-side ones (in parallel, each bounded by tools.call_timeout_ms),
// appends the results as role "tool" messages and asks again, up to
// tools.max_rounds requests; the last one may not call tools. A failing tool
// is an error result the model reads, never a dead reply. Calls to the
// caller's own tools end the reply with LlmResult::tool_calls (realtime
// client functions). While tools run longer than tools.filler_after_ms, the
// filler is delivered as text, once per reply. Only text reaches on_delta:
// tool names and arguments never do. Cancelling stops the running calls.
//
// Threading as Llm: on_delta and on_done never run at the same time.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "llm/llm.h"
#include "net/timer-queue.h"
#include "tools/tool-registry.h"
#include "tools/tools-config.h"

namespace mv {

class ToolLoopLlm final : public Llm {
 public:
  // `registry` may be null: then only the caller's tools are offered. `io`:
  // where the filler's deadline runs (the runtime's network I/O context);
  // null: a private one.
  ToolLoopLlm(std::unique_ptr<Llm> inner, std::shared_ptr<ToolRegistry> registry,
              ToolsConfig config, std::shared_ptr<NetIo> io = nullptr);
  // Cancels replies in flight and waits for their on_done.
  ~ToolLoopLlm() override;

  void StreamChat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                  LlmDeltaFn on_delta, LlmDoneFn on_done) override;

  Llm& inner() { return *inner_; }

 private:
  class Loop;
  struct Shared {
    std::mutex mutex;                          // guards loops
    std::condition_variable idle;              // signalled when loops shrinks
    std::map<const void*, CancelToken> loops;  // in flight: their stop tokens
  };
  std::unique_ptr<Llm> inner_;  // first: destroyed last
  std::shared_ptr<ToolRegistry> registry_;
  const ToolsConfig config_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<TimerQueue> timers_;  // the filler's deadline
};

}  // namespace mv
