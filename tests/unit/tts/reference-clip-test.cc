// Fitting references into 3-10 s, and staging them in the shared folder.
#include "tts/reference-clip.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "fakes/fake-tts-support.h"
#include "remote-tts-test-util.h"
#include "tts/shared-reference-dir.h"

namespace mv {
namespace {

AudioBuffer Silence(double seconds, int rate = 16000) {
  return AudioBuffer{std::vector<float>(static_cast<std::size_t>(seconds * rate), 0.0f), rate};
}

void Append(AudioBuffer& to, const AudioBuffer& more) {
  to.samples.insert(to.samples.end(), more.samples.begin(), more.samples.end());
}

TEST(FitReferenceTest, KeepsAClipThatFits) {
  AudioBuffer five = Silence(5.0);
  five.samples[100] = 0.5f;
  const ReferenceClip clip = FitReference(five);
  EXPECT_FALSE(clip.cut);
  EXPECT_EQ(clip.audio.samples, five.samples);
}

TEST(FitReferenceTest, PadsAShortClipWithSilenceKeepingItsWords) {
  const AudioBuffer words = mvtest::FakeSpeech("hello there", 16000);
  ASSERT_LT(words.DurationSeconds(), 3.0);
  const ReferenceClip clip = FitReference(words);
  EXPECT_FALSE(clip.cut);
  EXPECT_GE(clip.audio.DurationSeconds(), 3.0);
  EXPECT_LE(clip.audio.DurationSeconds(), 3.2);
  float energy_in = 0, energy_out = 0;
  for (float s : words.samples) energy_in += s * s;
  for (float s : clip.audio.samples) energy_out += s * s;
  EXPECT_FLOAT_EQ(energy_in, energy_out);
}

TEST(FitReferenceTest, CutsALongClipToItsSpeech) {
  // 8 s of silence, ~6 s of speech, 8 s of silence: the speech is kept.
  AudioBuffer in = Silence(8.0);
  AudioBuffer speech = mvtest::FakeSpeech(
      "this is the part of the recording that holds the voice we want to keep for cloning", 16000);
  Append(in, speech);
  Append(in, Silence(8.0));
  const ReferenceClip clip = FitReference(in);
  EXPECT_TRUE(clip.cut);
  EXPECT_GE(clip.audio.DurationSeconds(), 3.0);
  EXPECT_LE(clip.audio.DurationSeconds(), 10.0);
  const double speech_start = 8.0, speech_end = 8.0 + speech.DurationSeconds();
  EXPECT_LE(clip.start_seconds, speech_start + 0.3);
  EXPECT_GE(clip.start_seconds + clip.audio.DurationSeconds(),
            std::min(speech_end, clip.start_seconds + 9.0) - 0.3);
}

TEST(SharedReferenceDirTest, WritesEachReferenceOnceAndForgetsTheOldest) {
  const std::string dir = test::TempFolder("share");
  SharedReferenceDir share(dir, "D:\\GPT-SoVITS\\share", /*keep=*/2);
  auto ref = [](const std::string& id) {
    auto r = std::make_shared<VoiceReference>();
    r->id = id;
    r->transcript = "words";
    r->audio = std::make_shared<AudioBuffer>(mvtest::FakeSpeech("some words", 16000));
    return r;
  };
  const auto a = share.Stage(*ref("a"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->remote_path, "D:\\GPT-SoVITS\\share\\" + SharedReferenceDir::FileName("a"));
  EXPECT_EQ(a->transcript, "words");
  const auto mtime =
      std::filesystem::last_write_time(dir + "/" + SharedReferenceDir::FileName("a"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  share.Stage(*ref("a"));  // cached: not written again
  EXPECT_EQ(std::filesystem::last_write_time(dir + "/" + SharedReferenceDir::FileName("a")), mtime);
  share.Stage(*ref("b"));
  share.Stage(*ref("c"));  // "a" is the oldest of three: its file goes
  EXPECT_FALSE(std::filesystem::exists(dir + "/" + SharedReferenceDir::FileName("a")));
  EXPECT_TRUE(std::filesystem::exists(dir + "/" + SharedReferenceDir::FileName("c")));

  VoiceReference nowhere;
  nowhere.id = "x";
  nowhere.wav_path = "/not/here.wav";
  EXPECT_FALSE(share.Stage(nowhere));  // maybe a path on the TTS host
  SharedReferenceDir off("", "");
  EXPECT_FALSE(off.Stage(*ref("a")));
}

}  // namespace
}  // namespace mv
