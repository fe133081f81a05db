// RealtimeSession, live recognition (asr.streaming with an engine that
// decodes as audio arrives): the speech in progress (a server-VAD turn, or
// the manual buffer until its commit) is fed to an AsrStream while the person
// talks, so its words are ready right after the end of speech, and the
// settled words of a VAD turn go out as transcription deltas meanwhile.
#include <spdlog/spdlog.h>

#include <limits>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "realtime/realtime-session.h"

namespace mv {
namespace {

using json = nlohmann::json;

// The words two partials in a row agree on, without the newest one, which
// the decoder may still change ("turn" may become "turning"): a word must
// survive one more look before it goes out.
std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}

std::string SettledWords(const std::string& previous, const std::string& current) {
  const std::vector<std::string> before = Words(previous), now = Words(current);
  std::size_t k = 0;
  while (k < before.size() && k < now.size() && before[k] == now[k]) ++k;
  if (k == now.size() && k > 0) --k;  // the newest word still waits
  std::string out;
  for (std::size_t i = 0; i < k; ++i) out += (i ? " " : "") + now[i];
  return out;
}

}  // namespace

std::shared_ptr<RealtimeSession::Turn> RealtimeSession::OpenLiveTurn(const std::string& item_id) {
  DropLiveTurn();
  auto turn = std::make_shared<Turn>();
  turn->item_id = item_id;
  turn->language = settings_.language;
  ThreadPool& pool = services_->asr_pool ? *services_->asr_pool : *services_->compute;
  // Unbounded: the turn itself is bounded by realtime.max_turn_seconds.
  turn->asr_jobs = SerialQueue::Create(pool, 0, std::numeric_limits<std::size_t>::max());
  return turn;
}

void RealtimeSession::FeedLiveTurn() {
  if (!live_turn_ || !detector_.in_speech()) return;
  std::vector<float> chunk;
  live_turn_->fed = detector_.CopyTurn(live_turn_->fed, &chunk);
  if (chunk.empty()) return;
  auto self = shared_from_this();
  std::shared_ptr<Turn> turn = live_turn_;
  turn->asr_jobs->Post(
      [self, turn, chunk = std::move(chunk)] { self->FeedStream(turn, chunk); });
}

void RealtimeSession::FeedManualTurn() {
  if (!services_->stream_asr || manual_buffer_.size() <= (live_turn_ ? live_turn_->fed : 0)) return;
  if (!live_turn_) live_turn_ = OpenLiveTurn("");  // its id comes at the commit
  std::vector<float> chunk;
  chunk.reserve(manual_buffer_.size() - live_turn_->fed);
  for (std::size_t i = live_turn_->fed; i < manual_buffer_.size(); ++i)
    chunk.push_back(manual_buffer_[i] / 32768.0f);
  live_turn_->fed = manual_buffer_.size();
  auto self = shared_from_this();
  std::shared_ptr<Turn> turn = live_turn_;
  turn->asr_jobs->Post([self, turn, chunk = std::move(chunk)] { self->FeedStream(turn, chunk); });
}

void RealtimeSession::DropLiveTurn() {
  if (!live_turn_) return;
  live_turn_->asr_jobs->Stop();  // queued audio goes; the stream goes with the last job
  live_turn_ = nullptr;
}

void RealtimeSession::FeedStream(const std::shared_ptr<Turn>& live,
                                 const std::vector<float>& samples) {
  Turn& turn = *live;
  if (turn.stream_error || closed_.IsCancelled()) return;
  try {
    if (!turn.stream) turn.stream = services_->asr->OpenStream(turn.language);
    if (!samples.empty()) turn.stream->Accept(samples.data(), samples.size(), closed_);
    std::string partial = turn.stream->Partial();
    if (partial == turn.partial) return;
    turn.partial = partial;
    // Queued before this turn's OnTurnRecognized (same job order), so it
    // never follows the completed event.
    auto self = shared_from_this();
    queue_->Post([self, live, partial = std::move(partial)] {
      self->SendTranscriptDelta(*live, partial, false);
    });
  } catch (const Error& e) {
    turn.stream_error = e;
  } catch (const std::exception& e) {
    turn.stream_error = Error(ErrorKind::kInternal, "asr_failed", e.what());
  }
}

void RealtimeSession::SendTranscriptDelta(Turn& turn, const std::string& text, bool final) {
  if (std::optional<json> event = TranscriptDelta(turn, text, final)) Send(std::move(*event));
}

std::optional<nlohmann::json> RealtimeSession::TranscriptDelta(Turn& turn, const std::string& text,
                                                               bool final) {
  const std::string settled = final ? text : SettledWords(turn.last_partial, text);
  turn.last_partial = text;
  // A manual buffer has no item before its commit, and a committed turn's
  // item is announced by AcceptTurn: its words wait for the final delta.
  if (!final && (turn.item_id.empty() || turn.manual)) return std::nullopt;
  std::string& sent = turn.sent_transcript;
  // Deltas only add: once the decoder revised words that went out, the rest
  // waits for the completed event, which carries the final words anyway.
  if (settled.size() <= sent.size() || settled.compare(0, sent.size(), sent) != 0)
    return std::nullopt;
  if (!sent.empty() && settled[sent.size()] != ' ') return std::nullopt;  // "turn" -> "turning"
  std::string delta = settled.substr(sent.size());
  sent = settled;
  return json{{"type", "conversation.item.input_audio_transcription.delta"},
              {"item_id", turn.item_id},
              {"content_index", 0},
              {"delta", std::move(delta)}};
}

}  // namespace mv
