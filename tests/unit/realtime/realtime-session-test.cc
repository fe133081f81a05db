// RealtimeSession without sockets: fake ASR/LLM/TTS, the real webrtc VAD on
// flite speech, and the events it sends, in order, under both naming schemes.
#include "realtime/realtime-session.h"

#include <gtest/gtest.h>

#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "unit/realtime/realtime-fakes.h"
#include "unit/realtime/realtime-test-util.h"

namespace mv {
namespace {

using json = nlohmann::json;

// Flite's question at 24 kHz, with silence around it so server VAD closes the turn.
const std::vector<float>& SpokenTurn() {
  static const std::vector<float> audio = [] {
    AudioBuffer speech{test::Speech("what is the capital of france"), 16000};
    auto turn = test::Concat({test::Silence(0.4), speech.samples, test::Silence(1.0)});
    return Resample(AudioBuffer{turn, 16000}, 24000).samples;
  }();
  return audio;
}

class RealtimeSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { services_ = MakeServices(); }
  void TearDown() override {
    if (session_) session_->Close();
    llm_.JoinAll();
  }

  std::shared_ptr<RealtimeServices> MakeServices() {
    auto s = test::SessionServices(asr_, tts_, llm_, pool_);
    s->system_prompt = "You are terse.";
    s->library_voice = [](const std::string& id) -> std::shared_ptr<const VoiceReference> {
      if (id != "lib1") throw Error(ErrorKind::kNotFound, "no_voice", "no voice '" + id + "'");
      auto ref = std::make_shared<VoiceReference>();
      ref->id = "library:lib1";
      return ref;
    };
    return s;
  }

  void Open(bool beta = false) {
    session_ =
        RealtimeSession::Create(services_, beta, [this](std::string text) { log_.Add(text); });
    session_->Start();
  }
  void SendEvent(const json& event) { session_->OnText(event.dump()); }
  void Append(const std::vector<float>& samples24k, std::size_t chunk = 2400) {
    for (std::size_t i = 0; i < samples24k.size(); i += chunk) {
      const std::size_t n = std::min(chunk, samples24k.size() - i);
      SendEvent({{"type", "input_audio_buffer.append"},
                 {"audio", Base64Encode(ToPcm16(samples24k.data() + i, n))}});
    }
  }
  // The event types from `from` on, without the deltas.
  std::vector<std::string> Types(std::size_t from = 0) const {
    std::vector<std::string> out;
    const auto events = log_.events();
    for (std::size_t i = from; i < events.size(); ++i) {
      const std::string t = events[i]["type"];
      if (t.size() > 6 && t.substr(t.size() - 6) == ".delta") continue;
      out.push_back(t);
    }
    return out;
  }
  int Count(const std::string& type) const {
    int n = 0;
    for (const auto& e : log_.events()) n += e["type"] == type;
    return n;
  }
  json At(int index) const { return log_.events().at(static_cast<std::size_t>(index)); }
  int WaitError(const std::string& code, std::size_t from = 0) {
    return log_.WaitFor(
        [&](const json& e) { return e["type"] == "error" && e["error"]["code"] == code; }, from);
  }

  test::FakeAsr asr_;
  test::FakeTts tts_;
  test::FakeLlm llm_;
  ThreadPool pool_{3};
  std::shared_ptr<RealtimeServices> services_;
  test::EventLog log_;
  std::shared_ptr<RealtimeSession> session_;
};

TEST_F(RealtimeSessionTest, SessionCreatedInBothShapes) {
  Open();
  ASSERT_EQ(log_.WaitForType("session.created"), 0);
  json s = At(0)["session"];
  EXPECT_EQ(s["type"], "realtime");
  EXPECT_EQ(s["audio"]["output"]["voice"], "alpha");
  EXPECT_EQ(s["audio"]["input"]["format"]["rate"], 24000);
  EXPECT_EQ(s["audio"]["input"]["turn_detection"]["type"], "server_vad");
  EXPECT_EQ(s["instructions"], "You are terse.");
  EXPECT_TRUE(At(0)["event_id"].is_string());
  session_->Close();

  test::EventLog beta_log;
  auto beta = RealtimeSession::Create(services_, true, [&](std::string t) { beta_log.Add(t); });
  beta->Start();
  ASSERT_EQ(beta_log.WaitForType("session.created"), 0);
  s = beta_log.events()[0]["session"];
  EXPECT_EQ(s["voice"], "alpha");
  EXPECT_EQ(s["input_audio_format"], "pcm16");
  EXPECT_EQ(s["turn_detection"]["silence_duration_ms"], 500);
  beta->Close();
}

TEST_F(RealtimeSessionTest, ServerVadTurnFollowsTheEventSequence) {
  Open();
  Append(SpokenTurn());
  const int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0) << json(log_.events()).dump();
  const std::vector<std::string> expected = {
      "session.created",
      "input_audio_buffer.speech_started",
      "input_audio_buffer.speech_stopped",
      "input_audio_buffer.committed",
      "conversation.item.added",
      "conversation.item.done",
      "conversation.item.input_audio_transcription.completed",
      "response.created",
      "response.output_item.added",
      "conversation.item.added",
      "response.content_part.added",
      "response.output_audio.done",
      "response.output_audio_transcript.done",
      "response.content_part.done",
      "response.output_item.done",
      "conversation.item.done",
      "response.done"};
  EXPECT_EQ(Types(), expected);
  const auto events = log_.events();
  const json started = events[1], stopped = events[2];
  EXPECT_EQ(started["item_id"], stopped["item_id"]);
  EXPECT_GT(stopped["audio_end_ms"].get<int>(), started["audio_start_ms"].get<int>() + 1500);
  const int transcribed = log_.WaitForType("conversation.item.input_audio_transcription.completed");
  EXPECT_EQ(At(transcribed)["transcript"], "what is the capital of france");
  EXPECT_EQ(At(transcribed)["item_id"], started["item_id"]);

  // Deltas: a transcript delta per spoken segment, before its audio.
  std::string transcript;
  std::size_t audio_bytes = 0;
  for (const json& e : events) {
    if (e["type"] == "response.output_audio_transcript.delta")
      transcript += e["delta"].get<std::string>();
    if (e["type"] == "response.output_audio.delta") {
      EXPECT_FALSE(transcript.empty()) << "audio before its transcript";
      audio_bytes += Base64Decode(e["delta"].get<std::string>()).size();
    }
  }
  EXPECT_EQ(transcript, "Paris is the capital. It is a lovely city.");
  // 9 words, 50 ms each at 24 kHz pcm16.
  EXPECT_NEAR(static_cast<double>(audio_bytes), 9 * 0.05 * 24000 * 2, 24000 * 2 * 0.03);

  const json r = At(done);
  EXPECT_EQ(r["response"]["status"], "completed");
  EXPECT_EQ(r["response"]["output"][0]["content"][0]["transcript"], transcript);
  EXPECT_EQ(r["response"]["output"][0]["content"][0]["type"], "output_audio");  // GA schema
  for (const char* key : {"asr_ms", "llm_first_token_ms", "first_segment_ms", "first_audio_ms",
                          "done_ms", "asr_audio_ms"})
    EXPECT_TRUE(r["timing"].contains(key)) << key << " " << r["timing"].dump();
  EXPECT_NEAR(r["timing"]["asr_audio_ms"].get<double>(), asr_.last_seconds() * 1000, 1);

  // The LLM saw the instructions and the user's words.
  const auto calls = llm_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].options.system_prompt.value_or(""), "You are terse.");
  ASSERT_EQ(calls[0].messages.size(), 1u);
  EXPECT_EQ(calls[0].messages[0].content, "what is the capital of france");
}

TEST_F(RealtimeSessionTest, BetaSessionsUseBetaNames) {
  Open(/*beta=*/true);
  Append(SpokenTurn());
  ASSERT_GE(log_.WaitForType("response.done"), 0);
  EXPECT_GT(Count("response.audio.delta"), 0);
  EXPECT_GT(Count("response.audio_transcript.delta"), 0);
  EXPECT_EQ(Count("response.audio.done"), 1);
  EXPECT_EQ(Count("response.audio_transcript.done"), 1);
  EXPECT_EQ(Count("conversation.item.created"), 2);  // the user's and the assistant's
  EXPECT_EQ(Count("conversation.item.added"), 0);
  EXPECT_EQ(Count("conversation.item.done"), 0);
  EXPECT_EQ(Count("response.output_audio.delta"), 0);
}

TEST_F(RealtimeSessionTest, ManualTurnsNeedCommitAndResponseCreate) {
  Open();
  SendEvent({{"type", "session.update"}, {"session", {{"turn_detection", nullptr}}}});
  const int updated = log_.WaitForType("session.updated");
  ASSERT_GE(updated, 0);
  EXPECT_TRUE(At(updated)["session"]["audio"]["input"]["turn_detection"].is_null());
  SendEvent({{"type", "input_audio_buffer.commit"}, {"event_id", "c0"}});
  const int empty = WaitError("input_audio_buffer_commit_empty");
  ASSERT_GE(empty, 0);
  EXPECT_EQ(At(empty)["error"]["event_id"], "c0");

  Append(SpokenTurn());
  SendEvent({{"type", "input_audio_buffer.commit"}});
  SendEvent({{"type", "response.create"}});
  const int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0);
  EXPECT_EQ(Count("input_audio_buffer.speech_started"), 0);
  EXPECT_EQ(Count("input_audio_buffer.committed"), 1);
  EXPECT_EQ(At(done)["response"]["status"], "completed");
  // The whole buffer went to ASR.
  EXPECT_NEAR(asr_.last_seconds(), SpokenTurn().size() / 24000.0, 0.05);
}

TEST_F(RealtimeSessionTest, ALongManualBufferIsCommittedAtMaxTurnSeconds) {
  services_->defaults.max_turn_seconds = 1.0;
  Open();
  SendEvent({{"type", "session.update"}, {"session", {{"turn_detection", nullptr}}}});
  Append(SpokenTurn());  // 3.3 s
  ASSERT_GE(WaitError("turn_too_long"), 0);
  ASSERT_GE(log_.WaitForType("input_audio_buffer.committed"), 0);
  EXPECT_NEAR(asr_.last_seconds(), 1.0, 0.01);
  EXPECT_EQ(Count("response.created"), 0);  // manual: no answer unless asked
}

TEST_F(RealtimeSessionTest, TextItemsKeepTheConversation) {
  Open();
  SendEvent({{"type", "conversation.item.create"},
             {"item",
              {{"type", "message"},
               {"role", "user"},
               {"content", {{{"type", "input_text"}, {"text", "hello there"}}}}}}});
  ASSERT_GE(log_.WaitForType("conversation.item.added"), 0);
  SendEvent({{"type", "response.create"}});
  ASSERT_GE(log_.WaitForType("response.done"), 0);
  const std::size_t mark = log_.size();
  SendEvent({{"type", "conversation.item.create"},
             {"item",
              {{"type", "message"},
               {"role", "user"},
               {"content", {{{"type", "input_text"}, {"text", "and again"}}}}}}});
  SendEvent({{"type", "response.create"}, {"response", {{"instructions", "Be brief."}}}});
  ASSERT_GE(log_.WaitForType("response.done", mark), 0);
  const auto calls = llm_.calls();
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(calls[1].messages.size(), 3u);
  EXPECT_EQ(calls[1].messages[0].content, "hello there");
  EXPECT_EQ(calls[1].messages[1].role, "assistant");
  EXPECT_EQ(calls[1].messages[1].content, "Paris is the capital. It is a lovely city.");
  EXPECT_EQ(calls[1].messages[2].content, "and again");
  EXPECT_EQ(calls[1].options.system_prompt.value_or(""), "Be brief.");
}

TEST_F(RealtimeSessionTest, BadEventsAreErrorsAndTheSessionGoesOn) {
  Open();
  session_->OnText("{not json");
  ASSERT_GE(WaitError("invalid_json"), 0);
  SendEvent({{"type", "no.such.event"}, {"event_id", "e7"}});
  const int unknown = WaitError("unknown_event");
  ASSERT_GE(unknown, 0);
  EXPECT_EQ(At(unknown)["error"]["event_id"], "e7");
  EXPECT_EQ(At(unknown)["error"]["type"], "invalid_request_error");
  SendEvent({{"type", "input_audio_buffer.append"}, {"audio", "@@@"}});
  ASSERT_GE(WaitError("invalid_audio"), 0);
  SendEvent({{"type", "input_audio_buffer.append"}, {"audio", Base64Encode("abc")}});
  ASSERT_GE(log_.WaitFor([](const json& e) {
    return e["type"] == "error" &&
           e["error"]["message"].get<std::string>().find("even") != std::string::npos;
  }),
            0);
  SendEvent({{"type", "response.cancel"}});
  ASSERT_GE(WaitError("response_cancel_not_active"), 0);
  SendEvent({{"type", "session.update"}, {"session", {{"voice", "nobody"}}}});
  ASSERT_GE(WaitError("unknown_voice"), 0);
  SendEvent({{"type", "session.update"}, {"session", {{"input_audio_format", "g711_ulaw"}}}});
  ASSERT_GE(WaitError("unsupported_audio_format"), 0);
  SendEvent({{"type", "session.update"},
             {"session",
              {{"audio", {{"input", {{"format", {{"type", "audio/pcm"}, {"rate", 16000}}}}}}}}}});
  ASSERT_GE(log_.WaitFor([](const json& e) {
    return e["type"] == "error" && e["error"]["code"] == "unsupported_audio_format" &&
           e["error"]["message"].get<std::string>().find("24000") != std::string::npos;
  }),
            0);
  session_->OnBinary();
  EXPECT_EQ(Count("session.updated"), 0);
  // Still serving: a turn is answered.
  Append(SpokenTurn());
  const int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0);
  EXPECT_EQ(At(done)["response"]["status"], "completed");
  EXPECT_EQ(At(0)["session"]["audio"]["output"]["voice"], "alpha");
}

TEST_F(RealtimeSessionTest, VoicesEngineLibraryAndMirror) {
  Open();
  SendEvent(
      {{"type", "session.update"}, {"session", {{"audio", {{"output", {{"voice", "beta"}}}}}}}});
  int updated = log_.WaitForType("session.updated");
  ASSERT_GE(updated, 0);
  EXPECT_EQ(At(updated)["session"]["audio"]["output"]["voice"], "beta");
  Append(SpokenTurn());
  int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0);
  auto requests = tts_.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().voice, "beta");
  EXPECT_EQ(requests.back().reference, nullptr);

  SendEvent({{"type", "session.update"}, {"session", {{"voice", "lib1"}}}});
  updated = log_.WaitForType("session.updated", static_cast<std::size_t>(done));
  ASSERT_GE(updated, 0);
  SendEvent({{"type", "response.create"}});
  done = log_.WaitForType("response.done", static_cast<std::size_t>(updated));
  ASSERT_GE(done, 0);
  requests = tts_.requests();
  ASSERT_NE(requests.back().reference, nullptr);
  EXPECT_EQ(requests.back().reference->id, "library:lib1");

  SendEvent({{"type", "session.update"}, {"session", {{"voice", "mirror"}}}});
  updated = log_.WaitForType("session.updated", static_cast<std::size_t>(done));
  ASSERT_GE(updated, 0);
  SendEvent({{"type", "response.create"}});
  done = log_.WaitForType("response.done", static_cast<std::size_t>(updated));
  ASSERT_GE(done, 0);
  requests = tts_.requests();
  ASSERT_NE(requests.back().reference, nullptr);
  ASSERT_NE(requests.back().reference->audio, nullptr);
  EXPECT_EQ(requests.back().reference->transcript, "what is the capital of france");
  EXPECT_NEAR(requests.back().reference->audio->DurationSeconds(), asr_.last_seconds(), 0.01);
}

TEST_F(RealtimeSessionTest, ResponseCancelStopsTheAnswer) {
  llm_.SetReply(
      "one two three four five six seven eight nine ten eleven twelve. thirteen fourteen.", 40);
  Open();
  SendEvent({{"type", "conversation.item.create"},
             {"item",
              {{"type", "message"},
               {"role", "user"},
               {"content", {{{"type", "input_text"}, {"text", "count"}}}}}}});
  SendEvent({{"type", "response.create"}});
  ASSERT_GE(log_.WaitForType("response.created"), 0);
  SendEvent({{"type", "response.create"}, {"event_id", "again"}});
  const int busy = WaitError("conversation_already_has_active_response");
  ASSERT_GE(busy, 0);
  EXPECT_EQ(At(busy)["error"]["event_id"], "again");
  SendEvent({{"type", "response.cancel"}});
  const int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0);
  EXPECT_EQ(At(done)["response"]["status"], "cancelled");
  EXPECT_EQ(At(done)["response"]["status_details"]["reason"], "client_cancelled");
  llm_.JoinAll();  // the LLM stream stopped
  EXPECT_EQ(llm_.cancelled(), 1);
  EXPECT_EQ(Count("response.done"), 1);
}

TEST_F(RealtimeSessionTest, BargeInCancelsTheAnswerAndStartsANewTurn) {
  // A long, slow answer: 30 words at 60 ms a token.
  std::string reply;
  for (int i = 0; i < 6; ++i)
    reply += "This is sentence number " + std::to_string(i) + " of a long answer. ";
  llm_.SetReply(reply, 60);
  Open();
  Append(SpokenTurn());
  const int first_audio = log_.WaitForType("response.output_audio.delta", 0, 10000);
  ASSERT_GE(first_audio, 0);
  const std::string old_response = At(first_audio)["response_id"];
  llm_.SetReply("Short answer.", 0);
  const std::size_t mark = log_.size();
  Append(SpokenTurn());  // the user talks over the answer
  const int started = log_.WaitForType("input_audio_buffer.speech_started", mark);
  ASSERT_GE(started, 0);
  const int cancelled = log_.WaitFor(
      [&](const json& e) {
        return e["type"] == "response.done" && e["response"]["id"] == old_response;
      },
      mark);
  ASSERT_GE(cancelled, 0);
  EXPECT_EQ(At(cancelled)["response"]["status"], "cancelled");
  EXPECT_EQ(At(cancelled)["response"]["status_details"]["reason"], "turn_detected");
  EXPECT_EQ(cancelled, started + 6) << "response.done right after speech_started's closing events";
  // The new turn is answered in full.
  const int second = log_.WaitFor(
      [&](const json& e) {
        return e["type"] == "response.done" && e["response"]["id"] != old_response;
      },
      static_cast<std::size_t>(cancelled), 10000);
  ASSERT_GE(second, 0);
  EXPECT_EQ(At(second)["response"]["status"], "completed");
  // Nothing of the cancelled answer after its response.done.
  const auto events = log_.events();
  for (std::size_t i = static_cast<std::size_t>(cancelled) + 1; i < events.size(); ++i)
    EXPECT_NE(events[i].value("response_id", ""), old_response) << events[i].dump();
  // The conversation keeps only what was heard of the cancelled answer.
  const std::string heard = At(cancelled)["response"]["output"][0]["content"][0]["transcript"];
  EXPECT_FALSE(heard.empty());
  EXPECT_LT(heard.size(), reply.size() - 20);
  const auto calls = llm_.calls();
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(calls[1].messages.size(), 3u);
  EXPECT_EQ(calls[1].messages[1].content, heard);
  llm_.JoinAll();
  EXPECT_EQ(llm_.cancelled(), 1);  // the LLM stream of the cancelled answer stopped
}

TEST_F(RealtimeSessionTest, NoInterruptWhenInterruptResponseIsFalse) {
  std::string reply;
  for (int i = 0; i < 4; ++i) reply += "Sentence " + std::to_string(i) + " goes on a while. ";
  llm_.SetReply(reply, 30);
  Open();
  SendEvent(
      {{"type", "session.update"},
       {"session", {{"turn_detection", {{"type", "server_vad"}, {"interrupt_response", false}}}}}});
  Append(SpokenTurn());
  ASSERT_GE(log_.WaitForType("response.output_audio.delta", 0, 10000), 0);
  Append(SpokenTurn());
  // Both turns are answered, the first in full.
  const int first = log_.WaitForType("response.done", 0, 10000);
  ASSERT_GE(first, 0);
  EXPECT_EQ(At(first)["response"]["status"], "completed");
  const int second = log_.WaitForType("response.done", static_cast<std::size_t>(first) + 1, 10000);
  ASSERT_GE(second, 0);
  EXPECT_EQ(At(second)["response"]["status"], "completed");
  EXPECT_EQ(llm_.cancelled(), 0);
}

TEST_F(RealtimeSessionTest, LlmDownFailsTheResponseOnly) {
  llm_.SetFail(true);
  Open();
  Append(SpokenTurn());
  const int error = WaitError("llm_unavailable");
  ASSERT_GE(error, 0);
  EXPECT_EQ(At(error)["error"]["type"], "server_error");
  const int done = log_.WaitForType("response.done");
  ASSERT_GE(done, 0);
  EXPECT_EQ(At(done)["response"]["status"], "failed");
  llm_.SetFail(false);
  SendEvent({{"type", "response.create"}});
  const int again = log_.WaitForType("response.done", static_cast<std::size_t>(done) + 1);
  ASSERT_GE(again, 0);
  EXPECT_EQ(At(again)["response"]["status"], "completed");
}

TEST_F(RealtimeSessionTest, AnEmptyTranscriptCommitsNothing) {
  asr_.Push("");
  Open();
  Append(SpokenTurn());
  ASSERT_GE(log_.WaitForType("input_audio_buffer.speech_stopped"), 0);
  // The next turn is recognised: everything before it was handled.
  Append(SpokenTurn());
  ASSERT_GE(log_.WaitForType("response.done"), 0);
  EXPECT_EQ(asr_.calls(), 2);
  EXPECT_EQ(Count("input_audio_buffer.committed"), 1);
  EXPECT_EQ(Count("response.created"), 1);
}

TEST_F(RealtimeSessionTest, VoiceprintGateRefusesStrangers) {
  services_->check_speaker = [](const AudioBuffer&, const CancelToken&) {
    SpeakerVerdict v;
    v.refused = true;
    v.reason = "not the owner";
    return v;
  };
  Open();
  Append(SpokenTurn());
  const int refused = WaitError("voiceprint_rejected");
  ASSERT_GE(refused, 0);
  SendEvent({{"type", "input_audio_buffer.clear"}});
  ASSERT_GE(log_.WaitForType("input_audio_buffer.cleared"), 0);
  EXPECT_EQ(Count("input_audio_buffer.committed"), 0);
  EXPECT_EQ(Count("response.created"), 0);
  EXPECT_EQ(asr_.calls(), 0);
  EXPECT_TRUE(llm_.calls().empty());
}

TEST_F(RealtimeSessionTest, IdentifiedSpeakerJoinsTheInstructions) {
  services_->check_speaker = [](const AudioBuffer&, const CancelToken&) {
    SpeakerVerdict v;
    v.speaker_prompt = "You are talking to Alice.";
    return v;
  };
  Open();
  Append(SpokenTurn());
  ASSERT_GE(log_.WaitForType("response.done"), 0);
  const auto calls = llm_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].options.system_prompt.value_or(""),
            "You are terse.\nYou are talking to Alice.");
}

TEST_F(RealtimeSessionTest, CloseStopsTheAnswerInProgress) {
  llm_.SetReply("a b c d e f g h i j k l m n o p q r s t u v w x y z.", 50);
  Open();
  SendEvent({{"type", "response.create"}});
  ASSERT_GE(log_.WaitForType("response.created"), 0);
  // Close once the LLM is streaming (response.created comes before the call).
  for (int i = 0; i < 400 && llm_.calls().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(llm_.calls().size(), 1u);
  session_->Close();
  llm_.JoinAll();
  EXPECT_EQ(llm_.cancelled(), 1);
  EXPECT_EQ(Count("response.done"), 0);  // nothing is sent after the transport ended
}

}  // namespace
}  // namespace mv
