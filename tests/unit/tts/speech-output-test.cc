// SpeechOutput: what a remote engine passes on across failover attempts.
#include "tts/speech-output.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mv {
namespace {

struct Sink {
  std::vector<float> samples;
  std::vector<int> rates;
  bool refuse = false;
  TtsChunkCallback Callback() {
    return [this](const float* s, std::size_t n, int rate) {
      samples.insert(samples.end(), s, s + n);
      rates.push_back(rate);
      return !refuse;
    };
  }
};

std::vector<float> Ramp(int from, int to) {
  std::vector<float> v;
  for (int i = from; i < to; ++i) v.push_back(static_cast<float>(i + 1) / 10000.0f);
  return v;
}

TEST(SpeechOutputTest, ARetrySkipsWhatWasAlreadyPassedOn) {
  Sink sink;
  auto cb = sink.Callback();
  SpeechOutput out(cb);
  out.BeginAttempt();
  const auto all = Ramp(0, 1000);
  ASSERT_TRUE(out.Add(all.data(), 300, 16000));
  ASSERT_TRUE(out.Add(all.data() + 300, 150, 16000));  // then the stream breaks
  out.BeginAttempt();                                  // the next endpoint starts over
  for (std::size_t at = 0; at < all.size(); at += 128)
    ASSERT_TRUE(out.Add(all.data() + at, std::min<std::size_t>(128, all.size() - at), 16000));
  ASSERT_TRUE(out.EndAttempt());
  EXPECT_EQ(sink.samples, all);
  EXPECT_EQ(out.emitted(), all.size());
}

TEST(SpeechOutputTest, TrailingZerosWaitForRealAudioAndDieWithTheAttempt) {
  Sink sink;
  auto cb = sink.Callback();
  SpeechOutput out(cb);
  out.BeginAttempt();
  const auto speech = Ramp(0, 100);
  const std::vector<float> zeros(16000, 0.0f);
  out.Add(speech.data(), speech.size(), 16000);
  out.Add(zeros.data(), zeros.size(), 16000);  // the quirk: a second of zeros, then the cut
  EXPECT_EQ(sink.samples.size(), 100u);
  EXPECT_EQ(out.held_zeros(), 16000u);
  out.BeginAttempt();
  const auto again = Ramp(0, 200);
  out.Add(again.data(), again.size(), 16000);
  out.EndAttempt();
  EXPECT_EQ(sink.samples, again);  // no silence, no repeat

  // Real pauses are only delayed: they go out before the audio after them.
  Sink pauses;
  auto pcb = pauses.Callback();
  SpeechOutput p(pcb);
  p.BeginAttempt();
  p.Add(speech.data(), speech.size(), 16000);
  p.Add(zeros.data(), 4800, 16000);
  p.Add(speech.data(), speech.size(), 16000);
  p.Add(zeros.data(), 10, 16000);
  p.EndAttempt();
  EXPECT_EQ(pauses.samples.size(), 100u + 4800u + 100u + 10u);
}

TEST(SpeechOutputTest, ALaterAttemptAtAnotherRateIsResampledToTheFirst) {
  Sink sink;
  auto cb = sink.Callback();
  SpeechOutput out(cb);
  out.BeginAttempt();
  std::vector<float> tone(3200);
  for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * std::sin(i * 0.05f);
  out.Add(tone.data(), 1600, 32000);  // 50 ms, then the break
  out.BeginAttempt();
  std::vector<float> tone48(4800);
  for (std::size_t i = 0; i < tone48.size(); ++i) tone48[i] = 0.5f * std::sin(i * 0.05f / 1.5f);
  out.Add(tone48.data(), tone48.size(), 48000);
  out.EndAttempt();
  for (int rate : sink.rates) EXPECT_EQ(rate, 32000);
  EXPECT_NEAR(static_cast<double>(sink.samples.size()), 3200.0, 40.0);
}

TEST(SpeechOutputTest, TheConsumerSayingStopEndsIt) {
  Sink sink;
  sink.refuse = true;
  auto cb = sink.Callback();
  SpeechOutput out(cb);
  out.BeginAttempt();
  const auto speech = Ramp(0, 10);
  EXPECT_FALSE(out.Add(speech.data(), speech.size(), 16000));
}

}  // namespace
}  // namespace mv
