#include "tools/tool-loop-llm.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>

#include "common/metrics.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

class ToolLoopLlm::Loop : public std::enable_shared_from_this<Loop> {
 public:
  Loop(ToolLoopLlm& owner, std::vector<ChatMessage> messages, ChatOptions options,
       CancelToken cancel, LlmDeltaFn on_delta, LlmDoneFn on_done)
      : owner_(owner),
        shared_(owner.shared_),
        messages_(std::move(messages)),
        options_(std::move(options)),
        user_cancel_(std::move(cancel)),
        cancel_(user_cancel_.Child()),
        on_delta_(std::move(on_delta)),
        on_done_(std::move(on_done)),
        start_(Clock::now()) {
    for (const ToolSpec& t : options_.tools) client_tools_.insert(t.name);
    // The caller's tools win a name clash: it declared them for this call.
    if (owner_.registry_)
      for (ToolSpec& t : owner_.registry_->Specs())
        if (!client_tools_.count(t.name)) options_.tools.push_back(std::move(t));
  }

  void Start() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->loops.emplace(this, cancel_);
    }
    StartRound();
  }

 private:
  void StartRound() {
    ChatOptions opts = options_;
    opts.on_pause = nullptr;
    // The last round must answer in words.
    if (round_ + 1 >= owner_.config_.max_rounds) opts.tool_choice = "none";
    {
      std::lock_guard lock(mutex_);
      phase_ = Phase::kLlm;
    }
    ++round_;
    auto self = shared_from_this();
    owner_.inner_->StreamChat(
        messages_, std::move(opts), cancel_, [self](std::string_view text) { self->OnText(text); },
        [self](LlmResult r) { self->OnRoundDone(std::move(r)); });
  }

  void OnText(std::string_view text) {
    if (text.empty()) return;
    if (result_.text.empty()) result_.first_token_ms = MsSince(start_);
    // A new round (or the filler) starts a new sentence: "up." + "Here" reads "up. Here".
    std::string spaced;
    if (space_next_ && !result_.text.empty() &&
        !std::isspace(static_cast<unsigned char>(result_.text.back())) &&
        !std::isspace(static_cast<unsigned char>(text.front()))) {
      spaced = " ";
      spaced += text;
      text = spaced;
    }
    space_next_ = false;
    result_.text += text;
    if (on_delta_) on_delta_(text);
  }

  void OnRoundDone(LlmResult r) {
    result_.endpoint = r.endpoint;
    result_.endpoint_url = r.endpoint_url;
    result_.model = r.model;
    result_.failovers += r.failovers;
    for (auto& f : r.failures) result_.failures.push_back(std::move(f));
    result_.reasoning_chunks += r.reasoning_chunks;
    result_.finish_reason = r.finish_reason;
    if (!r.ok()) return Finish(std::move(r.error));
    // The last round was told not to call; a model that still does is ignored.
    if (r.tool_calls.empty() || round_ >= owner_.config_.max_rounds) {
      if (!r.tool_calls.empty()) {
        spdlog::warn("LLM still calls tools after {} rounds: answering with what it said", round_);
        result_.finish_reason = "stop";
      }
      return Finish(std::nullopt);
    }
    ChatMessage call_message("assistant", r.text);
    call_message.tool_calls = r.tool_calls;
    messages_.push_back(call_message);
    result_.tool_messages.push_back(std::move(call_message));

    std::vector<ToolCall> server_calls;
    client_calls_.clear();
    for (const ToolCall& c : r.tool_calls) {
      if (client_tools_.count(c.name)) {
        client_calls_.push_back(c);
      } else {
        server_calls.push_back(c);
      }
    }
    if (server_calls.empty()) return Finish(std::nullopt);
    // Text before the call is spoken now, not after the tools.
    if (options_.on_pause) options_.on_pause();
    RunTools(std::move(server_calls));
  }

  void RunTools(std::vector<ToolCall> calls) {
    const int round = round_;
    const std::size_t n = calls.size();
    {
      std::lock_guard lock(mutex_);
      phase_ = Phase::kTools;
      outcomes_.assign(n, {});
      left_ = n;
      calls_ = calls;
      tools_start_ = Clock::now();
    }
    std::weak_ptr<Loop> weak = weak_from_this();
    const ToolsConfig& c = owner_.config_;
    if (!filler_spoken_ && !c.filler.empty())
      owner_.timers_->RunAfter(c.filler_after_ms, [weak, round] {
        if (auto self = weak.lock()) self->MaybeFiller(round);
      });
    auto self = shared_from_this();
    for (std::size_t i = 0; i < n; ++i) {
      auto done = [self, i](ToolOutcome o) { self->OnToolDone(i, std::move(o)); };
      if (!owner_.registry_) {
        done({"unknown", "error: no tool named '" + calls[i].name.substr(0, 64) + "'", 0});
        continue;
      }
      owner_.registry_->Call(calls[i], cancel_, std::move(done));
    }
  }

  // From the timer: tools still running this round, and no filler yet.
  void MaybeFiller(int round) {
    std::lock_guard lock(mutex_);  // held so the next round cannot start beside the delta
    if (phase_ != Phase::kTools || round != round_ || filler_spoken_ || cancel_.IsCancelled())
      return;
    filler_spoken_ = true;
    space_next_ = true;
    OnText(owner_.config_.filler);
    space_next_ = true;
    if (options_.on_pause) options_.on_pause();
  }

  void OnToolDone(std::size_t i, ToolOutcome o) {
    {
      std::lock_guard lock(mutex_);
      if (phase_ != Phase::kTools) return;
      outcomes_[i] = std::move(o);
      if (--left_ > 0) return;
      phase_ = Phase::kBetween;
      result_.tool_ms += MsSince(tools_start_);
    }
    for (std::size_t k = 0; k < calls_.size(); ++k) {
      ToolOutcome& out = outcomes_[k];
      result_.tool_runs.push_back({calls_[k].name, out.outcome, out.ms});
      ChatMessage m("tool", std::move(out.content));
      m.tool_call_id = calls_[k].id;
      messages_.push_back(m);
      result_.tool_messages.push_back(std::move(m));
    }
    ++result_.tool_rounds;
    space_next_ = true;
    if (cancel_.IsCancelled())
      return Finish(Error(ErrorKind::kCancelled, "cancelled", "LLM call cancelled"));
    if (!client_calls_.empty()) return Finish(std::nullopt);
    StartRound();
  }

  void Finish(std::optional<Error> error) {
    {
      std::lock_guard lock(mutex_);
      phase_ = Phase::kDone;
    }
    result_.error = std::move(error);
    result_.total_ms = MsSince(start_);
    result_.tool_calls = client_calls_;
    for (const ToolCall& c : client_calls_)
      Metrics::Global().Increment("mirrorvox_tool_calls_total",
                                  {{"tool", c.name}, {"outcome", "client"}});
    if (on_done_) {
      try {
        on_done_(std::move(result_));
      } catch (const std::exception& e) {
        spdlog::error("LLM on_done threw: {}", e.what());
      }
    }
    std::lock_guard lock(shared_->mutex);
    shared_->loops.erase(this);
    shared_->idle.notify_all();
  }

  enum class Phase { kLlm, kTools, kBetween, kDone };

  ToolLoopLlm& owner_;
  std::shared_ptr<Shared> shared_;
  std::vector<ChatMessage> messages_;
  ChatOptions options_;
  CancelToken user_cancel_;
  CancelToken cancel_;  // the caller's cancel or engine shutdown: stops the LLM and the tools
  LlmDeltaFn on_delta_;
  LlmDoneFn on_done_;
  Clock::time_point start_;
  std::set<std::string> client_tools_;
  int round_ = 0;            // requests sent
  bool space_next_ = false;  // the next text starts after a tool round
  std::vector<ToolCall> client_calls_;
  LlmResult result_;

  std::mutex mutex_;  // guards phase_, outcomes_, left_, calls_, tools_start_, filler_spoken_
  Phase phase_ = Phase::kLlm;
  std::vector<ToolOutcome> outcomes_;
  std::size_t left_ = 0;
  std::vector<ToolCall> calls_;
  Clock::time_point tools_start_;
  bool filler_spoken_ = false;
};

ToolLoopLlm::ToolLoopLlm(std::unique_ptr<Llm> inner, std::shared_ptr<ToolRegistry> registry,
                         ToolsConfig config, std::shared_ptr<NetIo> io)
    : inner_(std::move(inner)),
      registry_(std::move(registry)),
      config_(std::move(config)),
      shared_(std::make_shared<Shared>()),
      timers_(io ? std::make_unique<TimerQueue>(std::move(io)) : std::make_unique<TimerQueue>()) {}

ToolLoopLlm::~ToolLoopLlm() {
  std::vector<CancelToken> stops;
  {
    std::lock_guard lock(shared_->mutex);
    for (auto& [loop, stop] : shared_->loops) stops.push_back(stop);
  }
  for (auto& s : stops) s.Cancel();
  std::unique_lock lock(shared_->mutex);
  shared_->idle.wait(lock, [&] { return shared_->loops.empty(); });
  lock.unlock();
  timers_->Stop();
}

void ToolLoopLlm::StreamChat(std::vector<ChatMessage> messages, ChatOptions options,
                             CancelToken cancel, LlmDeltaFn on_delta, LlmDoneFn on_done) {
  const bool any_tools = !options.tools.empty() || (registry_ && !registry_->Specs().empty());
  if (!any_tools) {
    inner_->StreamChat(std::move(messages), std::move(options), std::move(cancel),
                       std::move(on_delta), std::move(on_done));
    return;
  }
  auto loop = std::make_shared<Loop>(*this, std::move(messages), std::move(options),
                                     std::move(cancel), std::move(on_delta), std::move(on_done));
  loop->Start();
}

}  // namespace mv
