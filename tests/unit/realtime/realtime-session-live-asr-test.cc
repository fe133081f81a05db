// Live recognition in RealtimeSession (asr.streaming): the turn is fed to an
// AsrStream while it is spoken, settled words go out as
// conversation.item.input_audio_transcription.delta, and the words are final
// at the end of speech. A scripted streaming ASR, then real pocketsphinx.
#include <gtest/gtest.h>

#include <atomic>

#include "asr/asr-pocketsphinx.h"
#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "realtime/realtime-session.h"
#include "support/wait-for.h"
#include "unit/realtime/realtime-fakes.h"
#include "unit/realtime/realtime-test-util.h"

namespace mv {
namespace {

using json = nlohmann::json;

// Reveals one more word of `words` per 300 ms of audio (the partial), all of
// them at Finish(); `revise` swaps the second word once five are out.
class ScriptedStreamingAsr : public Asr {
 public:
  int SampleRate() const override { return 16000; }
  AsrResult Transcribe(const AudioBuffer&, const CancelToken&) override {
    ++batch_calls;
    return {"batch", "en"};
  }
  bool DecodesWhileSpeaking() const override { return true; }
  std::unique_ptr<AsrStream> OpenStream(const std::string&) override {
    return std::make_unique<Stream>(*this);
  }

  std::vector<std::string> words = {"what", "is", "the", "capital", "of", "france"};
  bool revise = false;
  std::atomic<bool> fail{false};
  std::atomic<int> batch_calls{0}, open_streams{0}, finished{0};
  std::atomic<std::size_t> last_samples{0};

 private:
  class Stream : public AsrStream {
   public:
    explicit Stream(ScriptedStreamingAsr& asr) : asr_(asr) { ++asr_.open_streams; }
    ~Stream() override { --asr_.open_streams; }
    void Accept(const float*, std::size_t n, const CancelToken& cancel) override {
      if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "cancelled");
      if (asr_.fail) throw Error(ErrorKind::kUnavailable, "asr_down", "recogniser went away");
      samples_ += n;
    }
    std::string Partial() const override {
      return Words(std::min(asr_.words.size(), samples_ / 4800), asr_.revise && samples_ >= 4800 * 5);
    }
    AsrResult Finish(const CancelToken&) override {
      asr_.last_samples = samples_;
      ++asr_.finished;
      return {Words(asr_.words.size(), false), "en"};
    }

   private:
    std::string Words(std::size_t n, bool revised) const {
      std::string out;
      for (std::size_t i = 0; i < n; ++i)
        out += (i ? " " : "") + (revised && i == 1 ? std::string("isn't") : asr_.words[i]);
      return out;
    }
    ScriptedStreamingAsr& asr_;
    std::size_t samples_ = 0;
  };
};

std::vector<float> SpokenTurn24k(const std::string& text) {
  const std::vector<float> turn =
      test::Concat({test::Silence(0.4), test::Speech(text), test::Silence(1.0)});
  return Resample(AudioBuffer{turn, 16000}, 24000).samples;
}

class RealtimeLiveAsrTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (session_) session_->Close();
    llm_.JoinAll();
  }
  void Open(Asr& asr) {
    auto s = test::SessionServices(asr, tts_, llm_, pool_);
    s->stream_asr = asr.DecodesWhileSpeaking();
    session_ = RealtimeSession::Create(s, false, [this](std::string text) { log_.Add(text); });
    session_->Start();
  }
  void Append(const std::vector<float>& samples24k, std::size_t from = 0,
              std::size_t to = SIZE_MAX) {
    to = std::min(to, samples24k.size());
    for (std::size_t i = from; i < to; i += 960) {  // 40 ms
      const std::size_t n = std::min<std::size_t>(960, to - i);
      session_->OnText(json{{"type", "input_audio_buffer.append"},
                            {"audio", Base64Encode(ToPcm16(samples24k.data() + i, n))}}
                           .dump());
    }
  }
  // The deltas of one item joined, and the index of the first one.
  std::string Deltas(const std::string& item_id, int* first = nullptr) const {
    std::string joined;
    const auto events = log_.events();
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i]["type"] != "conversation.item.input_audio_transcription.delta") continue;
      EXPECT_EQ(events[i]["item_id"], item_id);
      EXPECT_EQ(events[i]["content_index"], 0);
      if (first && joined.empty()) *first = static_cast<int>(i);
      joined += events[i]["delta"].get<std::string>();
    }
    return joined;
  }

  test::FakeTts tts_;
  test::FakeLlm llm_;
  ThreadPool pool_{3};
  test::EventLog log_;
  std::shared_ptr<RealtimeSession> session_;
};

TEST_F(RealtimeLiveAsrTest, SettledWordsGoOutWhileSpeakingAndAddUpToTheTranscript) {
  ScriptedStreamingAsr asr;
  Open(asr);
  const std::vector<float> audio = SpokenTurn24k("what is the capital of france");
  // A delta comes while the speech goes on: half of it, then the rest.
  Append(audio, 0, audio.size() / 2);
  ASSERT_GE(log_.WaitForType("conversation.item.input_audio_transcription.delta"), 0)
      << json(log_.events()).dump();
  EXPECT_LT(log_.WaitForType("input_audio_buffer.speech_stopped", 0, 0), 0);
  Append(audio, audio.size() / 2);
  const int completed = log_.WaitForType("conversation.item.input_audio_transcription.completed");
  ASSERT_GE(completed, 0) << json(log_.events()).dump();
  const json done = log_.events()[completed];
  EXPECT_EQ(done["transcript"], "what is the capital of france");
  EXPECT_EQ(Deltas(done["item_id"]), "what is the capital of france");
  EXPECT_EQ(asr.batch_calls, 0);
  EXPECT_EQ(asr.finished, 1);
  ASSERT_GE(log_.WaitForType("response.done"), 0);
  // The stream had the whole turn, as the batch path would have: the
  // response's asr_audio_ms says how long that was.
  const json timing = log_.events()[log_.WaitForType("response.done")]["timing"];
  EXPECT_NEAR(asr.last_samples / 16.0, timing["asr_audio_ms"].get<double>(), 1);
  EXPECT_EQ(asr.open_streams, 0) << "the finished stream was kept";
}

TEST_F(RealtimeLiveAsrTest, ARevisedWordStopsTheDeltasAndTheTranscriptHasTheFinalWords) {
  ScriptedStreamingAsr asr;
  asr.revise = true;
  Open(asr);
  Append(SpokenTurn24k("what is the capital of france"));
  const int completed = log_.WaitForType("conversation.item.input_audio_transcription.completed");
  ASSERT_GE(completed, 0);
  const json done = log_.events()[completed];
  EXPECT_EQ(done["transcript"], "what is the capital of france");
  // "is" had gone out when the decoder made it "isn't": no delta until the
  // final words, which extend what went out and so complete it.
  EXPECT_EQ(Deltas(done["item_id"]), "what is the capital of france");
  for (const json& e : log_.events())
    EXPECT_EQ(e.dump().find("isn't"), std::string::npos) << e.dump();
}

TEST_F(RealtimeLiveAsrTest, ClearDropsTheSpeechInProgressAndItsStream) {
  ScriptedStreamingAsr asr;
  Open(asr);
  const std::vector<float> audio = SpokenTurn24k("what is the capital of france");
  Append(audio, 0, audio.size() / 2);
  ASSERT_GE(log_.WaitForType("input_audio_buffer.speech_started"), 0);
  session_->OnText(R"({"type":"input_audio_buffer.clear"})");
  ASSERT_GE(log_.WaitForType("input_audio_buffer.cleared"), 0);
  ASSERT_TRUE(test::WaitFor([&] { return asr.open_streams == 0; }));
  // The next turn is recognised on its own.
  Append(audio);
  const int completed = log_.WaitForType("conversation.item.input_audio_transcription.completed");
  ASSERT_GE(completed, 0);
  EXPECT_EQ(log_.events()[completed]["transcript"], "what is the capital of france");
  EXPECT_EQ(asr.finished, 1);
}

TEST_F(RealtimeLiveAsrTest, AFailingStreamFailsItsTurnOnly) {
  ScriptedStreamingAsr asr;
  asr.fail = true;
  Open(asr);
  const std::vector<float> audio = SpokenTurn24k("what is the capital of france");
  Append(audio);
  const int error = log_.WaitFor([](const json& e) {
    return e["type"] == "error" && e["error"]["code"] == "asr_failed";
  });
  ASSERT_GE(error, 0) << json(log_.events()).dump();
  EXPECT_EQ(log_.events()[error]["error"]["message"].get<std::string>().find("recogniser"),
            std::string::npos)
      << "engine text reached the client";
  asr.fail = false;
  Append(audio);
  ASSERT_GE(log_.WaitForType("conversation.item.input_audio_transcription.completed"), 0);
}

// Push-to-talk: the manual buffer is decoded while it fills; its item id
// comes at the commit, so its words go out then, as one delta.
TEST_F(RealtimeLiveAsrTest, AManualBufferIsRecognisedWhileItFills) {
  ScriptedStreamingAsr asr;
  Open(asr);
  session_->OnText(R"({"type":"session.update","session":{"turn_detection":null}})");
  ASSERT_GE(log_.WaitForType("session.updated"), 0);
  const std::vector<float> audio = SpokenTurn24k("what is the capital of france");
  Append(audio);
  ASSERT_TRUE(test::WaitFor([&] { return asr.open_streams == 1; }));
  // Clearing the buffer drops its stream.
  session_->OnText(R"({"type":"input_audio_buffer.clear"})");
  ASSERT_GE(log_.WaitForType("input_audio_buffer.cleared"), 0);
  ASSERT_TRUE(test::WaitFor([&] { return asr.open_streams == 0; }));
  Append(audio);
  session_->OnText(R"({"type":"input_audio_buffer.commit"})");
  const int completed = log_.WaitForType("conversation.item.input_audio_transcription.completed");
  ASSERT_GE(completed, 0) << json(log_.events()).dump();
  const json done = log_.events()[completed];
  EXPECT_EQ(done["transcript"], "what is the capital of france");
  int first = -1;
  EXPECT_EQ(Deltas(done["item_id"], &first), "what is the capital of france");
  EXPECT_GT(first, log_.WaitForType("conversation.item.done"));  // after its item exists
  EXPECT_EQ(asr.batch_calls, 0);
  EXPECT_EQ(asr.finished, 1);
  EXPECT_NEAR(asr.last_samples / 16000.0, audio.size() / 24000.0, 0.05);
}

TEST_F(RealtimeLiveAsrTest, PocketsphinxRecognisesWhileSpeaking) {
  AsrConfig config;
  config.pool_size = 1;
  AsrPocketsphinx asr(config);
  Open(asr);
  Append(SpokenTurn24k("please turn on the lights in the kitchen"));
  const int completed = log_.WaitForType("conversation.item.input_audio_transcription.completed",
                                         0, 120000);
  ASSERT_GE(completed, 0) << json(log_.events()).dump();
  const json done = log_.events()[completed];
  EXPECT_EQ(done["transcript"], "please turn on the lights in the kitchen");
  EXPECT_EQ(Deltas(done["item_id"]), done["transcript"]);
}

}  // namespace
}  // namespace mv
