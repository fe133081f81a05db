// ChatTurn lifetime: the turn finishes exactly once and frees itself (and its
// fan-out) only after the last call on its stack returns, on every path that
// used to free it from inside its own callback: the LLM failing before any
// text, a reply with nothing to speak, TTS done before the stream closes, and
// barge-in while the LLM thread is still feeding the fan-out.
#include "pipeline/chat-turn.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace mv {
namespace {

using namespace std::chrono_literals;

// Scripted LLM: `tokens` are delivered on a thread of its own (as the network
// thread would), or on the calling thread when `inline_done` (the engine's
// "no endpoint" path); `fail` ends with an error before any text.
class ScriptedLlm : public Llm {
 public:
  ~ScriptedLlm() override {
    for (auto& t : threads_) t.join();
  }
  void StreamChat(std::vector<ChatMessage>, ChatOptions, CancelToken cancel, LlmDeltaFn on_delta,
                  LlmDoneFn on_done) override {
    auto run = [=, this] {
      LlmResult result;
      for (const auto& t : tokens) {
        if (cancel.IsCancelled()) break;
        result.text += t;
        on_delta(t);
        if (after_token) after_token();
      }
      if (cancel.IsCancelled())
        result.error = Error(ErrorKind::kCancelled, "cancelled", "cancelled");
      else if (fail)
        result.error = Error(ErrorKind::kUnavailable, "llm_unavailable", "refused");
      on_done(result);
    };
    if (inline_done)
      run();
    else
      threads_.emplace_back(run);
  }
  std::vector<std::string> tokens;
  bool fail = false, inline_done = false;
  std::function<void()> after_token;

 private:
  std::vector<std::thread> threads_;  // joined by the destructor
};

class QuickTts : public Tts {
 public:
  void Synthesize(const TtsRequest& r, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override {
    ++calls;
    std::vector<float> chunk(160, 0.25f);
    for (int i = 0; i < 3; ++i) {
      if (cancel.IsCancelled() || !on_chunk(chunk.data(), chunk.size(), 16000))
        throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
    }
  }
  std::vector<std::string> Voices() const override { return {"test"}; }
  std::atomic<int> calls{0};
};

struct Outcome {
  std::mutex mutex;  // guards everything below
  std::condition_variable cv;
  int done_calls = 0;
  ChatTurnResult result;
  int segments = 0;
  std::shared_ptr<int> sentinel = std::make_shared<int>(0);  // held by the sink, so by the turn

  ChatTurnSink Sink() {
    ChatTurnSink sink;
    sink.on_segment = [this, keep = sentinel](const SpokenSegment&, const AudioBuffer&) {
      std::lock_guard l(mutex);
      ++segments;
    };
    sink.on_done = [this](const ChatTurnResult& r) {
      std::lock_guard l(mutex);
      ++done_calls;
      result = r;
      cv.notify_all();
    };
    return sink;
  }
  bool WaitDone() {
    std::unique_lock l(mutex);
    return cv.wait_for(l, 30s, [this] { return done_calls > 0; });
  }
  // The turn (and with it the sink's copy of the sentinel) is gone.
  bool WaitFreed() {
    std::weak_ptr<int> weak = sentinel;
    sentinel.reset();
    for (int i = 0; i < 30000 && !weak.expired(); ++i) std::this_thread::sleep_for(1ms);
    return weak.expired();
  }
};

ChatTurnRequest Request() {
  ChatTurnRequest r;
  r.messages = {{"user", "hi"}};
  return r;
}

TEST(ChatTurn, LlmFailingBeforeAnyTextFinishesOnce) {
  for (bool inline_done : {true, false}) {
    ThreadPool pool(2);
    QuickTts tts;
    ScriptedLlm llm;
    llm.fail = true;
    llm.inline_done = inline_done;
    Outcome out;
    ChatTurn::Start(llm, tts, pool, Request(), CancelToken(), nullptr, out.Sink());
    ASSERT_TRUE(out.WaitDone());
    ASSERT_TRUE(out.WaitFreed());
    EXPECT_EQ(out.done_calls, 1);
    ASSERT_TRUE(out.result.error.has_value());
    EXPECT_EQ(out.result.error->code(), "llm_unavailable");
    EXPECT_EQ(out.result.spoken_segments, 0);
    EXPECT_EQ(tts.calls.load(), 0);
  }
}

TEST(ChatTurn, ReplyWithNothingToSpeakFinishesOnce) {
  ThreadPool pool(2);
  QuickTts tts;
  ScriptedLlm llm;
  llm.tokens = {"(smiles)", " (", "nods)"};  // stage directions are display-only
  Outcome out;
  ChatTurn::Start(llm, tts, pool, Request(), CancelToken(), nullptr, out.Sink());
  ASSERT_TRUE(out.WaitDone());
  ASSERT_TRUE(out.WaitFreed());
  EXPECT_EQ(out.done_calls, 1);
  EXPECT_FALSE(out.result.error.has_value());
  EXPECT_EQ(out.result.spoken_segments, 0);
  EXPECT_EQ(out.result.text, "(smiles) (nods)");
}

TEST(ChatTurn, TtsDoneBeforeTheStreamClosesFinishesOnce) {
  ThreadPool pool(2);
  QuickTts tts;
  ScriptedLlm llm;
  // The last token is display-only, so the stream's end adds no segment.
  llm.tokens = {"Hello there my friend. ", "How are you today? ", "(smiles)"};
  // Every segment is spoken before the LLM closes its stream: the close
  // then finishes the fan-out inside Close() itself.
  std::atomic<int> seen{0};
  llm.after_token = [&] {
    if (++seen == 3) pool.WaitIdle(std::chrono::steady_clock::now() + 60s);
  };
  Outcome out;
  ChatTurn::Start(llm, tts, pool, Request(), CancelToken(), nullptr, out.Sink());
  ASSERT_TRUE(out.WaitDone());
  ASSERT_TRUE(out.WaitFreed());
  EXPECT_EQ(out.done_calls, 1);
  EXPECT_FALSE(out.result.error.has_value());
  EXPECT_GE(out.result.spoken_segments, 1);
  EXPECT_EQ(out.segments, out.result.spoken_segments);
  EXPECT_EQ(tts.calls.load(), out.result.spoken_segments);
}

// Barge-in: the LLM thread keeps adding segments while the token fires from
// another thread and TTS workers finish the fan-out.
TEST(ChatTurn, BargeInWhileTheLlmStreamsFinishesOnce) {
  for (int round = 0; round < 20; ++round) {
    ThreadPool pool(3);
    QuickTts tts;
    ScriptedLlm llm;
    for (int i = 0; i < 200; ++i)
      llm.tokens.push_back("Sentence number " + std::to_string(i) + ". ");
    CancelToken cancel;
    std::atomic<int> seen{0};
    std::thread canceller;  // only the LLM thread sets it, before on_done
    llm.after_token = [&] {
      if (++seen != 5 + round) return;
      // Cancelled from another thread while this one goes on adding segments.
      canceller = std::thread([cancel] { cancel.Cancel(); });
      for (int i = 0; i < 60000 && !cancel.IsCancelled(); ++i) std::this_thread::sleep_for(1ms);
    };
    Outcome out;
    ChatTurn::Start(llm, tts, pool, Request(), cancel, nullptr, out.Sink());
    ASSERT_TRUE(out.WaitDone());
    canceller.join();
    ASSERT_TRUE(out.WaitFreed());
    EXPECT_EQ(out.done_calls, 1);
    EXPECT_TRUE(out.result.cancelled);
  }
}

}  // namespace
}  // namespace mv
