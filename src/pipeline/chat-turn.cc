#include "pipeline/chat-turn.h"

#include <atomic>

#include "pipeline/emotion-reference.h"

namespace mv {
namespace {
std::atomic<int> turns_in_flight{0};
}

int ChatTurn::InFlight() { return turns_in_flight.load(); }

ChatTurn::InFlightCount::InFlightCount() { ++turns_in_flight; }

ChatTurn::InFlightCount::~InFlightCount() { --turns_in_flight; }

void ChatTurn::Start(Llm& llm, Tts& tts, ThreadPool& pool, ChatTurnRequest request,
                     CancelToken cancel, std::shared_ptr<TurnTiming> timing, ChatTurnSink sink) {
  auto turn = std::shared_ptr<ChatTurn>(new ChatTurn(llm, tts, pool, std::move(request),
                                                     std::move(cancel), std::move(timing),
                                                     std::move(sink)));
  turn->self_ = turn;
  turn->Run();
}

ChatTurn::ChatTurn(Llm& llm, Tts& tts, ThreadPool& pool, ChatTurnRequest request,
                   CancelToken cancel, std::shared_ptr<TurnTiming> timing, ChatTurnSink sink)
    : llm_(llm),
      tts_(tts),
      pool_(pool),
      request_(std::move(request)),
      cancel_(std::move(cancel)),
      timing_(timing ? std::move(timing) : std::make_shared<TurnTiming>()),
      sink_(std::move(sink)),
      segmenter_(request_.segmenter) {}

void ChatTurn::Run() {
  TtsFanoutCallbacks cb;
  // Fan-out callbacks are serialised by the fan-out; spoken_ only grows, but
  // a push_back may reallocate, so reads copy under the mutex.
  auto segment_at = [this](int i) {
    std::lock_guard lock(mutex_);
    return spoken_[i];
  };
  cb.on_audio = [this, segment_at](int i, const float* s, std::size_t n, int rate) {
    timing_->Mark(Stage::kFirstTtsAudio);
    if (sink_.on_audio) sink_.on_audio(segment_at(i), s, n, rate);
  };
  cb.on_segment_done = [this, segment_at](int i, const AudioBuffer& audio) {
    if (sink_.on_segment) sink_.on_segment(segment_at(i), audio);
  };
  cb.on_segment_failed = [this, segment_at](int i, const Error& e) {
    {
      std::lock_guard lock(mutex_);
      ++result_.failed_segments;
    }
    if (sink_.on_segment_error) sink_.on_segment_error(segment_at(i), e);
  };
  cb.on_finished = [this](bool cancelled) { OnFanoutFinished(cancelled); };
  cb.output_full = sink_.output_full;
  fanout_ = TtsFanout::Create(tts_, pool_, request_.tts_parallelism, cancel_, std::move(cb));

  auto self = shared_from_this();
  ChatOptions options = request_.chat_options;
  // A tool runs: what was said before it (and the filler) is spoken now.
  options.on_pause = [self] {
    self->Dispatch(self->segmenter_.Finish());
    self->segmenter_.Reset();
  };
  llm_.StreamChat(
      request_.messages, std::move(options), cancel_,
      [self](std::string_view text) { self->OnDelta(text); },
      [self](LlmResult result) { self->OnLlmDone(std::move(result)); });
}

void ChatTurn::OnDelta(std::string_view text) {
  timing_->Mark(Stage::kLlmFirstToken);
  Dispatch(segmenter_.Push(text));
}

std::shared_ptr<const VoiceReference> ChatTurn::ReferenceFor(const Segment& segment) {
  const RefAudio* ref = SelectReference(request_.extra_ref_audio, segment.emotion);
  if (!ref) return request_.reference;
  auto& cached = emotion_refs_[segment.emotion];
  if (!cached) {
    auto v = std::make_shared<VoiceReference>();
    v->id = "emotion:" + ref->wav_path;
    v->wav_path = ref->wav_path;
    v->transcript = ref->transcript;
    cached = v;
  }
  return cached;
}

void ChatTurn::Dispatch(std::vector<Segment> segments) {
  for (auto& seg : segments) {
    if (!seg.speak()) {
      std::lock_guard lock(mutex_);
      pending_display_ += seg.display_text;
      continue;
    }
    timing_->Mark(Stage::kFirstSegmentReady);
    TtsRequest tts_request{seg.text, request_.language, request_.voice, ReferenceFor(seg)};
    int number;
    {
      std::lock_guard lock(mutex_);
      number = static_cast<int>(spoken_.size());
      SpokenSegment s{seg, pending_display_ + seg.display_text, number};
      pending_display_.clear();
      spoken_.push_back(std::move(s));
    }
    fanout_->Add(number, std::move(tts_request));
  }
}

void ChatTurn::OnLlmDone(LlmResult result) {
  if (result.ok()) Dispatch(segmenter_.Finish());
  timing_->AddToolTime(result.tool_ms);
  {
    std::lock_guard lock(mutex_);
    result_.llm = result;
    result_.text = result.text;
    result_.error = result.error;
    llm_done_ = true;
  }
  fanout_->Close();
  MaybeFinish();
}

void ChatTurn::OnFanoutFinished(bool cancelled) {
  {
    std::lock_guard lock(mutex_);
    fanout_done_ = true;
    result_.cancelled = result_.cancelled || cancelled;
  }
  MaybeFinish();
}

void ChatTurn::MaybeFinish() {
  // Reached from the fan-out's on_finished and from the LLM's done callback;
  // dropping self_ below must not free the turn while this call runs.
  auto self = shared_from_this();
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !llm_done_ || !fanout_done_) return;
    finished_ = true;
    result_.cancelled = result_.cancelled || cancel_.IsCancelled();
    result_.spoken_segments = static_cast<int>(spoken_.size());
  }
  result_.tts_retries = fanout_->retries();
  timing_->Mark(Stage::kDone);
  if (sink_.on_done) sink_.on_done(result_);
  // fanout_ is never reset: OnLlmDone may still be inside Close() on it, on
  // another thread, and it holds no reference back to the turn. The turn,
  // then the fan-out, go when the last call on their stacks returns.
  self_.reset();
}

}  // namespace mv
