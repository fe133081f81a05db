// The webrtc VAD and the endpointing on top of it, with flite speech,
// silence and white noise at several levels.
#include <gtest/gtest.h>

#include "common/error.h"
#include "realtime/turn-detector.h"
#include "realtime/vad.h"
#include "unit/realtime/realtime-test-util.h"

namespace mv {
namespace {

const std::vector<double> kThresholds = {0.0, 0.25, 0.5, 0.75, 1.0};

int VoicedFrames(const std::vector<float>& audio, double threshold) {
  auto stream = CreateVad({})->NewStream(threshold);
  int voiced = 0;
  for (std::size_t i = 0; i + VadStream::kFrameSamples <= audio.size();
       i += VadStream::kFrameSamples)
    voiced += stream->IsSpeech(audio.data() + i);
  return voiced;
}

std::vector<TurnEvent> Detect(const std::vector<float>& audio, TurnDetectorOptions options = {},
                              std::size_t chunk = 333) {
  TurnDetector detector(CreateVad({})->NewStream(options.threshold), options);
  std::vector<TurnEvent> events;
  for (std::size_t i = 0; i < audio.size(); i += chunk)
    detector.Push(audio.data() + i, std::min(chunk, audio.size() - i), &events);
  return events;
}

const std::vector<float>& Question() {
  static const std::vector<float> speech = test::Speech("what is the capital of france");
  return speech;
}

TEST(VadConfig, UnknownEngineIsRefused) {
  VadConfig config;
  config.engine = "silero";
  EXPECT_THROW(config.Validate(), Error);
  EXPECT_THROW(CreateVad(config), Error);
  EXPECT_NO_THROW(CreateVad({}));
}

TEST(WebRtcVad, SilenceAndQuietNoiseAreNotSpeech) {
  EXPECT_EQ(VoicedFrames(test::Silence(2), 0.5), 0);
  EXPECT_EQ(VoicedFrames(test::Noise(2, -60), 0.5), 0);
  EXPECT_EQ(VoicedFrames(test::Noise(2, -50), 0.5), 0);
}

TEST(WebRtcVad, SpeechIsVoicedAtTheDefaultThreshold) {
  const int frames = static_cast<int>(Question().size() / VadStream::kFrameSamples);
  const int voiced = VoicedFrames(Question(), 0.5);
  EXPECT_GT(voiced, frames / 3) << voiced << " of " << frames;
}

TEST(WebRtcVad, HigherThresholdsNeedLouderSpeech) {
  for (double gain : {0.0, -10.0, -20.0, -30.0}) {
    const auto speech = test::Gain(Question(), gain);
    int previous = 1 << 30;
    for (double t : kThresholds) {
      const int voiced = VoicedFrames(speech, t);
      EXPECT_LE(voiced, previous) << "gain " << gain << " dB, threshold " << t;
      previous = voiced;
    }
  }
  // Quiet speech passes a low threshold only; nothing passes 1.0.
  const auto quiet = test::Gain(Question(), -30);
  EXPECT_GT(VoicedFrames(quiet, 0.1), 20);
  EXPECT_EQ(VoicedFrames(quiet, 0.9), 0);
  EXPECT_EQ(VoicedFrames(Question(), 1.0), 0);
}

TEST(WebRtcVad, NoiseDetectionFallsAsTheThresholdRises) {
  for (double level : {-60.0, -50.0, -40.0, -30.0, -20.0}) {
    const auto noise = test::Noise(3, level);
    int previous = 1 << 30;
    for (double t : kThresholds) {
      const int voiced = VoicedFrames(noise, t);
      EXPECT_LE(voiced, previous) << "noise " << level << " dBFS, threshold " << t;
      previous = voiced;
    }
  }
}

TEST(TurnDetector, OneTurnAroundASpokenQuestion) {
  const auto audio = test::Concat({test::Silence(1.0), Question(), test::Silence(1.0)});
  TurnDetectorOptions options;
  const auto events = Detect(audio, options);
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(events[0].kind, TurnEvent::Kind::kSpeechStarted);
  ASSERT_EQ(events[1].kind, TurnEvent::Kind::kSpeechStopped);
  const int64_t speech_ms = static_cast<int64_t>(Question().size() / 16);
  // The turn starts up to prefix + start window before the speech, never after it.
  EXPECT_GE(events[0].audio_ms, 1000 - options.prefix_padding_ms - 100);
  EXPECT_LE(events[0].audio_ms, 1000 + 200);
  // It ends silence_duration_ms after the last voiced frame.
  EXPECT_GE(events[1].audio_ms, 1000 + speech_ms - 300 + options.silence_duration_ms);
  EXPECT_LE(events[1].audio_ms, 1000 + speech_ms + options.silence_duration_ms + 100);
  EXPECT_FALSE(events[1].cut);
  // The turn's audio runs from the start to the end.
  EXPECT_NEAR(events[1].audio.DurationSeconds() * 1000.0,
              static_cast<double>(events[1].audio_ms - events[0].audio_ms), 15.0);
}

TEST(TurnDetector, ShortWordsAndQuieterSpeechStartTurns) {
  for (const char* word : {"yes", "stop"}) {
    const auto audio = test::Concat({test::Silence(0.5), test::Speech(word), test::Silence(1.0)});
    EXPECT_EQ(Detect(audio).size(), 2u) << word;
  }
  const auto quiet =
      test::Concat({test::Silence(0.5), test::Gain(Question(), -15), test::Silence(1.0)});
  EXPECT_EQ(Detect(quiet).size(), 2u);
}

TEST(TurnDetector, ChunkSizeDoesNotChangeTheTurns) {
  const auto audio = test::Concat({test::Silence(0.5), Question(), test::Silence(1.0)});
  const auto a = Detect(audio, {}, 160);
  const auto b = Detect(audio, {}, 4801);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].audio_ms, b[i].audio_ms);
    EXPECT_EQ(a[i].audio.samples, b[i].audio.samples);
  }
}

TEST(TurnDetector, SilenceAndQuietNoiseMakeNoTurn) {
  EXPECT_TRUE(Detect(test::Silence(3)).empty());
  for (double level : {-60.0, -50.0, -40.0})
    EXPECT_TRUE(Detect(test::Noise(3, level)).empty()) << level << " dBFS";
}

TEST(TurnDetector, TwoUtterancesApartAreTwoTurns) {
  const auto audio = test::Concat(
      {test::Silence(0.5), Question(), test::Silence(1.2), Question(), test::Silence(1.0)});
  const auto events = Detect(audio);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].kind, TurnEvent::Kind::kSpeechStarted);
  EXPECT_GT(events[2].audio_ms, events[1].audio_ms - 1);
}

TEST(TurnDetector, LongSilenceSettingKeepsShortPausesInOneTurn) {
  const auto audio = test::Concat(
      {test::Silence(0.5), Question(), test::Silence(0.6), Question(), test::Silence(2.0)});
  TurnDetectorOptions options;
  options.silence_duration_ms = 1000;
  EXPECT_EQ(Detect(audio, options).size(), 2u);
  options.silence_duration_ms = 300;
  EXPECT_EQ(Detect(audio, options).size(), 4u);
}

TEST(TurnDetector, ATurnIsCutAtMaxTurnSeconds) {
  std::vector<float> audio = test::Silence(0.3);
  for (int i = 0; i < 3; ++i) audio = test::Concat({audio, Question()});
  audio = test::Concat({audio, test::Silence(1.0)});
  TurnDetectorOptions options;
  options.max_turn_seconds = 1.0;
  options.silence_duration_ms = 2000;
  const auto events = Detect(audio, options);
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(events[1].cut);
  EXPECT_NEAR(events[1].audio.DurationSeconds(), 1.0, 0.02);
}

TEST(TurnDetector, ForceStopAndClear) {
  TurnDetector detector(CreateVad({})->NewStream(0.5), {});
  std::vector<TurnEvent> events;
  const auto audio = test::Concat({test::Silence(0.5), Question()});
  detector.Push(audio.data(), audio.size(), &events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(detector.in_speech());
  auto stopped = detector.ForceStop();
  ASSERT_TRUE(stopped);
  EXPECT_GT(stopped->audio.DurationSeconds(), 1.0);
  EXPECT_FALSE(detector.ForceStop());
  events.clear();
  detector.Push(audio.data(), audio.size(), &events);
  detector.Clear();
  EXPECT_FALSE(detector.in_speech());
  EXPECT_EQ(detector.position_ms(), 2 * static_cast<int64_t>(audio.size() / 16));
}

// What a live recogniser reads while the turn goes on adds up to the turn
// the stop event hands over.
TEST(TurnDetector, CopyTurnGivesTheSpeechInProgress) {
  const auto audio = test::Concat({test::Silence(0.5), Question(), test::Silence(1.0)});
  TurnDetector detector(CreateVad({})->NewStream(0.5), {});
  std::vector<TurnEvent> events;
  std::vector<float> live;
  std::size_t copied = 0;
  int copies_while_speaking = 0;
  for (std::size_t i = 0; i < audio.size() && events.size() < 2; i += 640) {
    detector.Push(audio.data() + i, std::min<std::size_t>(640, audio.size() - i), &events);
    if (!detector.in_speech()) continue;
    const std::size_t before = live.size();
    copied = detector.CopyTurn(copied, &live);
    EXPECT_EQ(copied, live.size());
    copies_while_speaking += live.size() > before;
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_GT(copies_while_speaking, 20);
  const std::vector<float>& turn = events[1].audio.samples;
  ASSERT_LE(live.size(), turn.size());
  EXPECT_TRUE(std::equal(live.begin(), live.end(), turn.begin()));
  EXPECT_EQ(detector.CopyTurn(0, &live), 0u);  // stopped: nothing in progress
}

}  // namespace
}  // namespace mv
