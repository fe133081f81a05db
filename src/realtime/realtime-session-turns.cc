// RealtimeSession, input side: appended audio -> 16 kHz -> server VAD or the
// manual buffer -> user turns -> voiceprint gate + ASR -> conversation items.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/base64.h"
#include "common/client-text.h"
#include "common/error.h"
#include "realtime/realtime-session.h"

namespace mv {
namespace {

using json = nlohmann::json;

// The mirror voice needs a few seconds, not a whole monologue.
AudioBuffer Tail(const AudioBuffer& audio, double seconds) {
  const auto keep = static_cast<std::size_t>(seconds * audio.sample_rate);
  if (audio.samples.size() <= keep) return audio;
  AudioBuffer out;
  out.sample_rate = audio.sample_rate;
  out.samples.assign(audio.samples.end() - static_cast<std::ptrdiff_t>(keep), audio.samples.end());
  return out;
}

}  // namespace

TurnDetectorOptions RealtimeSession::DetectorOptions() const {
  TurnDetectorOptions o;
  o.threshold = settings_.threshold;
  o.prefix_padding_ms = settings_.prefix_padding_ms;
  o.silence_duration_ms = settings_.silence_duration_ms;
  o.max_turn_seconds = services_->defaults.max_turn_seconds;
  return o;
}

void RealtimeSession::OnAppend(const json& event, const std::string& client_event) {
  auto it = event.find("audio");
  if (it == event.end() || !it->is_string())
    throw Error(ErrorKind::kInvalidInput, "invalid_audio",
                "input_audio_buffer.append needs 'audio': base64 of pcm16 24 kHz mono");
  std::string bytes;
  try {
    bytes = Base64Decode(it->get<std::string>());
  } catch (const Error& e) {
    throw Error(ErrorKind::kInvalidInput, "invalid_audio", std::string("audio: ") + e.what());
  }
  if (bytes.size() % 2 != 0)
    throw Error(ErrorKind::kInvalidInput, "invalid_audio",
                "audio: pcm16 needs an even number of bytes, got " + std::to_string(bytes.size()));
  const std::vector<float> samples = FromPcm16(bytes);
  const std::vector<float> in16k = input_resampler_.Process(samples.data(), samples.size());
  ProcessInput(in16k.data(), in16k.size());
}

void RealtimeSession::ProcessInput(const float* samples, std::size_t n) {
  input_samples_ += static_cast<int64_t>(n);
  if (settings_.server_vad) {
    std::vector<TurnEvent> events;
    detector_.Push(samples, n, &events);
    for (TurnEvent& e : events) OnTurnEvent(e);
    FeedLiveTurn();
    return;
  }
  const auto max =
      static_cast<std::size_t>(services_->defaults.max_turn_seconds * TurnDetector::kRate);
  for (std::size_t i = 0; i < n; ++i) {
    manual_buffer_.push_back(static_cast<int16_t>(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
    if (manual_buffer_.size() >= max) {
      SendError("turn_too_long",
                "the buffer reached realtime.max_turn_seconds and was committed at that length");
      OnCommit("");
    }
  }
  FeedManualTurn();
}

void RealtimeSession::OnTurnEvent(TurnEvent& event) {
  if (event.kind == TurnEvent::Kind::kSpeechStarted) {
    speech_item_ = NewId("item");
    Send({{"type", "input_audio_buffer.speech_started"},
          {"audio_start_ms", event.audio_ms},
          {"item_id", speech_item_}});
    if (settings_.interrupt_response) CancelResponse("turn_detected");
    if (services_->stream_asr) live_turn_ = OpenLiveTurn(speech_item_);
    return;
  }
  auto timing = std::make_shared<TurnTiming>();  // stages count from the end of speech
  Send({{"type", "input_audio_buffer.speech_stopped"},
        {"audio_end_ms", event.audio_ms},
        {"item_id", speech_item_}});
  if (event.cut)
    SendError("turn_too_long",
              "the turn reached realtime.max_turn_seconds and was committed at that length");
  SubmitTurn(std::move(speech_item_), std::move(event.audio), std::move(timing),
             settings_.create_response);
  speech_item_.clear();
}

void RealtimeSession::OnCommit(const std::string& client_event) {
  AudioBuffer audio;
  audio.sample_rate = TurnDetector::kRate;
  std::string item_id;
  if (settings_.server_vad) {
    std::optional<TurnEvent> stopped = detector_.ForceStop();
    if (stopped) {
      audio = std::move(stopped->audio);
      item_id = std::move(speech_item_);
      speech_item_.clear();
    }
  } else {
    audio.samples.reserve(manual_buffer_.size());
    for (int16_t s : manual_buffer_) audio.samples.push_back(s / 32768.0f);
    manual_buffer_.clear();
    manual_buffer_.shrink_to_fit();
  }
  if (audio.samples.size() < static_cast<std::size_t>(TurnDetector::kRate / 10)) {
    if (!settings_.server_vad) DropLiveTurn();
    SendError("input_audio_buffer_commit_empty",
              "the input audio buffer holds less than 100 ms of audio", client_event);
    return;
  }
  if (item_id.empty()) item_id = NewId("item");
  // A manual buffer's live turn gets its item id now, at the commit.
  if (live_turn_ && !settings_.server_vad) live_turn_->item_id = item_id;
  SubmitTurn(std::move(item_id), std::move(audio), std::make_shared<TurnTiming>(), false);
  turns_.back()->manual = true;
}

void RealtimeSession::OnClear() {
  detector_.Clear();
  DropLiveTurn();
  manual_buffer_.clear();
  manual_buffer_.shrink_to_fit();
  speech_item_.clear();
  Send({{"type", "input_audio_buffer.cleared"}});
}

void RealtimeSession::SubmitTurn(std::string item_id, AudioBuffer audio,
                                 std::shared_ptr<TurnTiming> timing, bool auto_response) {
  std::shared_ptr<Turn> turn = std::exchange(live_turn_, nullptr);
  if (turn && turn->item_id != item_id) {
    turn->asr_jobs->Stop();
    turn = nullptr;
  }
  if (!turn) {
    turn = std::make_shared<Turn>();
    turn->item_id = std::move(item_id);
    turn->language = settings_.language;
  }
  turn->audio = std::move(audio);
  turn->timing = std::move(timing);
  turn->auto_response = auto_response;
  turns_.push_back(turn);
  auto self = shared_from_this();
  if (turn->asr_jobs) {
    // The end of the turn the jobs have not had yet, then the final words.
    const std::vector<float>& all = turn->audio.samples;
    std::vector<float> tail(all.begin() + static_cast<std::ptrdiff_t>(std::min(turn->fed, all.size())),
                            all.end());
    turn->fed = all.size();
    const bool posted = turn->asr_jobs->Post([self, turn, tail = std::move(tail)] {
      self->FeedStream(turn, tail);
      self->RecognizeTurn(turn);
    });
    if (posted) return;
    turn->asr_jobs = nullptr;  // stopped: recognise the clip as a whole
  }
  ThreadPool& pool = services_->asr_pool ? *services_->asr_pool : *services_->compute;
  pool.Post([self, turn] { self->RecognizeTurn(turn); });
}

std::string RealtimeSession::Transcribe(const Turn& turn) {
  Asr& asr = *services_->asr;
  const int rate = asr.SampleRate();
  const AudioBuffer audio = rate == turn.audio.sample_rate ? turn.audio : Resample(turn.audio, rate);
  const AsrResult heard = !turn.language.empty() && asr.SupportsLanguage(turn.language)
                              ? asr.TranscribeIn(audio, turn.language, closed_)
                              : asr.Transcribe(audio, closed_);
  return heard.text;
}

void RealtimeSession::RecognizeTurn(std::shared_ptr<Turn> turn) {
  try {
    if (closed_.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "session closed");
    if (turn->stream_error) throw *turn->stream_error;
    if (services_->check_speaker) turn->verdict = services_->check_speaker(turn->audio, closed_);
    if (!turn->verdict.refused) {
      turn->transcript = turn->stream ? turn->stream->Finish(closed_).text : Transcribe(*turn);
      turn->timing->Mark(Stage::kAsrDone);
    }
  } catch (const Error& e) {
    turn->error = e;
  } catch (const std::exception& e) {
    turn->error = Error(ErrorKind::kInternal, "asr_failed", e.what());
  }
  turn->stream.reset();  // a live turn gives its decoder back now
  turn->done.store(true, std::memory_order_release);
  auto self = shared_from_this();
  queue_->Post([self] { self->OnTurnRecognized(); });
}

void RealtimeSession::OnTurnRecognized() {
  while (!turns_.empty() && turns_.front()->done.load(std::memory_order_acquire)) {
    std::shared_ptr<Turn> turn = std::move(turns_.front());
    turns_.pop_front();
    AcceptTurn(*turn);
  }
}

void RealtimeSession::AcceptTurn(Turn& turn) {
  const bool answer_requested = turn.auto_response || (response_after_turns_ && turns_.empty());
  if (turns_.empty()) response_after_turns_ = false;
  if (turn.error) {
    if (turn.error->kind() == ErrorKind::kCancelled) return;
    spdlog::warn("realtime {}: turn {} not recognised: {}", id_, turn.item_id, turn.error->what());
    SendError("asr_failed", std::string("speech recognition failed: ") + ClientMessage(*turn.error),
              "", "server_error");
    return;
  }
  if (turn.verdict.refused) {
    SendError("voiceprint_rejected", "voiceprint: " + turn.verdict.reason);
    return;
  }
  if (turn.transcript.empty()) {  // noise, a cough: nothing to answer
    if (turn.manual) SendError("no_speech", "no speech was recognised in the committed audio");
    return;
  }
  speaker_prompt_ = turn.verdict.speaker_prompt;
  const double audio_ms = turn.audio.DurationSeconds() * 1000.0;
  auto ref = std::make_shared<VoiceReference>();
  ref->id = "realtime:" + turn.item_id;
  ref->transcript = turn.transcript;
  ref->audio = std::make_shared<AudioBuffer>(Tail(turn.audio, services_->mirror_max_seconds));
  mirror_ = std::move(ref);

  const json item = {
      {"id", turn.item_id},    {"object", "realtime.item"},
      {"type", "message"},     {"role", "user"},
      {"status", "completed"}, {"content", {{{"type", "input_audio"}, {"transcript", nullptr}}}}};
  json done_item = item;
  done_item["content"][0]["transcript"] = turn.transcript;
  {
    std::lock_guard lock(mutex_);
    const json previous = last_item_id_.empty() ? json(nullptr) : json(last_item_id_);
    SendLocked({{"type", "input_audio_buffer.committed"},
                {"previous_item_id", previous},
                {"item_id", turn.item_id}});
    SendLocked(
        {{"type", "conversation.item.added"}, {"previous_item_id", previous}, {"item", item}});
    SendLocked({{"type", "conversation.item.done"}, {"item", done_item}});
    // A live turn's last words, so its deltas add up to the transcript.
    if (turn.asr_jobs)
      if (std::optional<json> delta = TranscriptDelta(turn, turn.transcript, true))
        SendLocked(std::move(*delta));
    SendLocked({{"type", "conversation.item.input_audio_transcription.completed"},
                {"item_id", turn.item_id},
                {"content_index", 0},
                {"transcript", turn.transcript}});
    AddHistoryLocked({turn.item_id, "user", turn.transcript, {}, ""});
  }
  last_item_id_ = turn.item_id;
  next_timing_ = turn.timing;
  next_asr_audio_ms_ = audio_ms;
  if (!answer_requested) return;
  auto timing = std::move(next_timing_);
  next_asr_audio_ms_ = -1;
  if (!StartResponse(timing, audio_ms, std::nullopt)) {
    if (turn.auto_response) {
      // interrupt_response false: answer once the current answer is done.
      std::lock_guard lock(mutex_);
      response_pending_ = true;
      next_timing_ = timing;
      next_asr_audio_ms_ = audio_ms;
    } else {
      SendError("conversation_already_has_active_response",
                "a response is in progress: cancel it or wait for response.done");
    }
  }
}

}  // namespace mv
