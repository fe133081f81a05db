#include "asr/asr-pocketsphinx.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <future>
#include <thread>

#include "common/error.h"
#include "shared-asr.h"
#include "support/error-kind.h"
#include "support/test-sentences.h"

namespace mv {
namespace {

using test::KindOf;

using test::SharedAsr;
using test::Speak;
using Clock = std::chrono::steady_clock;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// ~25 s of speech: long enough that a cancel lands mid-decode.
AudioBuffer LongSpeech() {
  AudioBuffer all;
  for (const char* sentence : test::kAssistantSentences) {
    AudioBuffer one = Speak(sentence, "slt");
    all.samples.insert(all.samples.end(), one.samples.begin(), one.samples.end());
  }
  return all;
}

TEST(AsrPocketsphinx, KitchenSentenceByRmsIsExact) {
  AudioBuffer audio = Speak("please turn on the lights in the kitchen", "rms");
  AsrResult result = SharedAsr().Transcribe(audio, {});
  EXPECT_EQ(result.text, "please turn on the lights in the kitchen");
  EXPECT_EQ(result.language, "en");
}

TEST(AsrPocketsphinx, FourThreadsShareTwoDecoders) {
  std::vector<AudioBuffer> audio;
  std::vector<std::string> expected;
  for (int i = 0; i < 4; ++i) {
    audio.push_back(Speak(test::kAssistantSentences[i], i % 2 ? "rms" : "slt"));
    expected.push_back(SharedAsr().Transcribe(audio.back(), {}).text);  // one at a time
  }
  EXPECT_EQ(expected[0], test::kAssistantSentences[0]);
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < 4; ++i) {
    results.push_back(std::async(std::launch::async,
                                 [&, i] { return SharedAsr().Transcribe(audio[i], {}).text; }));
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(results[i].get(), expected[i]) << "thread " << i;
}

TEST(AsrPocketsphinx, PreCancelledTokenIsCancelled) {
  CancelToken cancel;
  cancel.Cancel();
  AudioBuffer audio = Speak("tell me a joke", "slt");
  EXPECT_EQ(KindOf([&] { SharedAsr().Transcribe(audio, cancel); }), ErrorKind::kCancelled);
}

TEST(AsrPocketsphinx, CancelMidDecodeStopsAndDecoderIsReusable) {
  AudioBuffer audio = LongSpeech();
  // CPU time, not wall time, and against a full decode of the same audio on
  // this machine in this build, so neither load nor a sanitizer matters: a
  // full decode of ~25 s of speech costs ~4 s, a cancelled one a few chunks.
  double cpu_before = ThreadCpuSeconds();
  const std::string full = SharedAsr().Transcribe(audio, {}).text;
  const double full_cpu = ThreadCpuSeconds() - cpu_before;
  EXPECT_FALSE(full.empty());
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  cpu_before = ThreadCpuSeconds();
  EXPECT_EQ(KindOf([&] { SharedAsr().Transcribe(audio, cancel); }), ErrorKind::kCancelled);
  const double cpu = ThreadCpuSeconds() - cpu_before;
  canceller.join();
  EXPECT_LT(cpu, full_cpu / 2) << "full decode " << full_cpu << " s of CPU";
  // Both decoders still work after the aborted utterance.
  AudioBuffer kitchen = Speak("please turn on the lights in the kitchen", "rms");
  EXPECT_EQ(SharedAsr().Transcribe(kitchen, {}).text, "please turn on the lights in the kitchen");
  EXPECT_EQ(SharedAsr().Transcribe(kitchen, {}).text, "please turn on the lights in the kitchen");
}

TEST(AsrPocketsphinx, WaitForBusyDecoderIsCancellable) {
  AsrConfig config;
  config.pool_size = 1;
  AsrPocketsphinx asr(config);
  AudioBuffer audio = LongSpeech();
  CancelToken stop_busy;
  auto busy = std::async(std::launch::async, [&] {
    try {
      asr.Transcribe(audio, stop_busy);
    } catch (const Error&) {
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it take the decoder
  CancelToken cancel;
  auto waiter = std::async(std::launch::async,
                           [&] { return KindOf([&] { asr.Transcribe(audio, cancel); }); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto start = Clock::now();
  cancel.Cancel();
  EXPECT_EQ(waiter.get(), ErrorKind::kCancelled);
  // The waiter polls every 20 ms; the bound is loose for loaded CI machines.
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.0);
  stop_busy.Cancel();
  busy.get();
}

TEST(AsrPocketsphinx, RejectsWrongSampleRate) {
  AudioBuffer audio;
  audio.samples.assign(8000, 0.0f);
  audio.sample_rate = 8000;
  EXPECT_EQ(KindOf([&] { SharedAsr().Transcribe(audio, {}); }), ErrorKind::kInvalidInput);
}

TEST(AsrPocketsphinx, EmptyAndSilentAudioGiveNoWords) {
  EXPECT_EQ(SharedAsr().Transcribe(AudioBuffer{}, {}).text, "");
  AudioBuffer silence;
  silence.samples.assign(16000, 0.0f);
  EXPECT_EQ(SharedAsr().Transcribe(silence, {}).text, "");
}

}  // namespace
}  // namespace mv
