// AsrStream: pocketsphinx decoding while audio arrives, and the buffering
// stream of batch engines.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "asr/asr-pocketsphinx.h"
#include "asr/buffering-asr-stream.h"
#include "asr/pocketsphinx-stream.h"
#include "common/error.h"
#include "shared-asr.h"
#include "support/error-kind.h"

namespace mv {
namespace {

using test::KindOf;

constexpr const char* kKitchen = "please turn on the lights in the kitchen";

AudioBuffer Turn(const std::string& text) {
  AudioBuffer audio = test::Speak(text, "rms");
  audio.samples.insert(audio.samples.begin(), 16000 * 3 / 10, 0.0f);
  audio.samples.insert(audio.samples.end(), 16000 / 2, 0.0f);
  return audio;
}

// Feeds 40 ms chunks; returns every distinct partial seen.
std::vector<std::string> Feed(AsrStream& stream, const AudioBuffer& audio, std::size_t from = 0,
                              std::size_t to = SIZE_MAX) {
  std::vector<std::string> partials;
  to = std::min(to, audio.samples.size());
  for (std::size_t i = from; i < to; i += 640) {
    stream.Accept(audio.samples.data() + i, std::min<std::size_t>(640, to - i), {});
    if (partials.empty() ? !stream.Partial().empty() : stream.Partial() != partials.back())
      partials.push_back(stream.Partial());
  }
  return partials;
}

std::unique_ptr<AsrPocketsphinx> OneDecoder() {
  AsrConfig config;
  config.pool_size = 1;
  return std::make_unique<AsrPocketsphinx>(config);
}

TEST(PocketsphinxStream, PartialsGrowWhileSpeakingAndTheFinalIsExact) {
  const AudioBuffer audio = Turn(kKitchen);
  std::unique_ptr<AsrStream> stream = test::SharedAsr().OpenStream("en");
  const std::vector<std::string> partials = Feed(*stream, audio);
  EXPECT_TRUE(static_cast<PocketsphinxStream&>(*stream).decoding_live());
  ASSERT_FALSE(partials.empty()) << "no words before the end of the audio";
  // Before Finish(), the words of the start are already there.
  EXPECT_EQ(partials.back().rfind("please turn", 0), 0u) << partials.back();
  const AsrResult result = stream->Finish({});
  EXPECT_EQ(result.text, kKitchen);
  EXPECT_EQ(result.language, "en");
  EXPECT_EQ(stream->Partial(), kKitchen);
}

TEST(PocketsphinxStream, WithoutAFreeDecoderItDecodesAtTheEndLikeTranscribe) {
  std::unique_ptr<AsrPocketsphinx> asr = OneDecoder();
  const AudioBuffer first = Turn(kKitchen), second = Turn("what time is it in london");
  std::unique_ptr<AsrStream> a = asr->OpenStream("en"), b = asr->OpenStream("en");
  Feed(*a, first);                                  // a holds the only decoder
  EXPECT_TRUE(Feed(*b, second).empty());            // b only buffers
  EXPECT_FALSE(static_cast<PocketsphinxStream&>(*b).decoding_live());
  EXPECT_EQ(a->Finish({}).text, kKitchen);          // gives the decoder back
  EXPECT_EQ(b->Finish({}).text, asr->Transcribe(second, {}).text);
}

TEST(PocketsphinxStream, AShortUtteranceIsDecodedAtTheEnd) {
  AudioBuffer audio = test::Speak("stop", "rms");  // < the 1 s warm-up
  ASSERT_LT(audio.samples.size(), PocketsphinxStream::kWarmupSamples);
  std::unique_ptr<AsrStream> stream = test::SharedAsr().OpenStream("en");
  Feed(*stream, audio);
  EXPECT_FALSE(static_cast<PocketsphinxStream&>(*stream).decoding_live());
  EXPECT_EQ(stream->Finish({}).text, test::SharedAsr().Transcribe(audio, {}).text);
}

TEST(PocketsphinxStream, NoAudioAndSilenceGiveNoWords) {
  std::unique_ptr<AsrStream> empty = test::SharedAsr().OpenStream("en");
  EXPECT_EQ(empty->Finish({}).text, "");
  AudioBuffer silence;
  silence.samples.assign(16000 * 2, 0.0f);
  std::unique_ptr<AsrStream> quiet = test::SharedAsr().OpenStream("en");
  EXPECT_TRUE(Feed(*quiet, silence).empty());
  EXPECT_EQ(quiet->Finish({}).text, "");
  EXPECT_EQ(KindOf([&] { quiet->Finish({}); }), ErrorKind::kInternal);  // once only
}

TEST(PocketsphinxStream, CancelStopsItAndTheDecoderGoesBack) {
  std::unique_ptr<AsrPocketsphinx> asr = OneDecoder();
  const AudioBuffer audio = Turn(kKitchen);
  CancelToken cancel;
  {
    std::unique_ptr<AsrStream> stream = asr->OpenStream("en");
    Feed(*stream, audio, 0, audio.samples.size() / 2);
    cancel.Cancel();
    EXPECT_EQ(KindOf([&] { stream->Accept(audio.samples.data(), 640, cancel); }),
              ErrorKind::kCancelled);
    EXPECT_EQ(KindOf([&] { stream->Finish(cancel); }), ErrorKind::kCancelled);
  }
  // The abandoned utterance was ended and its decoder given back.
  std::unique_ptr<AsrStream> next = asr->OpenStream("en");
  Feed(*next, audio);
  EXPECT_TRUE(static_cast<PocketsphinxStream&>(*next).decoding_live());
  EXPECT_EQ(next->Finish({}).text, kKitchen);
}

TEST(PocketsphinxStream, FinishWaitsForADecoderCancellably) {
  std::unique_ptr<AsrPocketsphinx> asr = OneDecoder();
  const AudioBuffer audio = Turn(kKitchen);
  std::unique_ptr<AsrStream> holder = asr->OpenStream("en"), waiter = asr->OpenStream("en");
  Feed(*holder, audio);
  Feed(*waiter, audio);
  CancelToken cancel;
  cancel.Cancel();
  EXPECT_EQ(KindOf([&] { waiter->Finish(cancel); }), ErrorKind::kCancelled);
}

TEST(PocketsphinxStream, AStreamOutlivesItsEngine) {
  std::unique_ptr<AsrPocketsphinx> asr = OneDecoder();
  const AudioBuffer audio = Turn(kKitchen);
  std::unique_ptr<AsrStream> stream = asr->OpenStream("en");
  Feed(*stream, audio, 0, audio.samples.size() / 2);
  asr.reset();  // the stream keeps the decoders it uses
  Feed(*stream, audio, audio.samples.size() / 2);
  EXPECT_EQ(stream->Finish({}).text, kKitchen);
}

// A batch engine that records what it was asked.
class RecordingAsr : public Asr {
 public:
  int SampleRate() const override { return 16000; }
  AsrResult Transcribe(const AudioBuffer& audio, const CancelToken&) override {
    calls.push_back({audio.samples.size(), ""});
    return {"heard " + std::to_string(audio.samples.size()), "en"};
  }
  bool SupportsLanguage(const std::string& language) const override { return language == "zh"; }
  AsrResult TranscribeIn(const AudioBuffer& audio, const std::string& language,
                         const CancelToken&) override {
    calls.push_back({audio.samples.size(), language});
    return {"heard", language};
  }
  std::vector<std::pair<std::size_t, std::string>> calls;
};

TEST(BufferingAsrStream, TranscribesEverythingOnceAtTheEnd) {
  RecordingAsr asr;
  EXPECT_FALSE(asr.DecodesWhileSpeaking());
  const std::vector<float> chunk(640, 0.1f);
  std::unique_ptr<AsrStream> stream = asr.OpenStream("");
  for (int i = 0; i < 5; ++i) stream->Accept(chunk.data(), chunk.size(), {});
  EXPECT_TRUE(asr.calls.empty());
  EXPECT_EQ(stream->Partial(), "");
  EXPECT_EQ(stream->Finish({}).text, "heard 3200");
  ASSERT_EQ(asr.calls.size(), 1u);

  std::unique_ptr<AsrStream> zh = asr.OpenStream("zh"), fr = asr.OpenStream("fr");
  zh->Accept(chunk.data(), chunk.size(), {});
  fr->Accept(chunk.data(), chunk.size(), {});
  EXPECT_EQ(zh->Finish({}).language, "zh");  // a language the engine knows: TranscribeIn
  EXPECT_EQ(fr->Finish({}).language, "en");  // one it does not: its own
  CancelToken cancel;
  cancel.Cancel();
  EXPECT_EQ(KindOf([&] { asr.OpenStream("")->Accept(chunk.data(), 1, cancel); }),
            ErrorKind::kCancelled);
}

}  // namespace
}  // namespace mv
