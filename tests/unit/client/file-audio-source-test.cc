#include "client/file-audio-source.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "client/wav-file-sink.h"
#include "common/error.h"
#include "support/server-process.h"

namespace {

std::string WriteWav(int samples, int rate) {
  mv::AudioBuffer audio;
  audio.sample_rate = rate;
  for (int i = 0; i < samples; ++i)
    audio.samples.push_back(0.3f * static_cast<float>(std::sin(0.05 * i)));
  std::string path = mvtest::TempDir() + "/in.wav";
  mvtest::WriteFile(path, mv::EncodeAudio(audio, mv::AudioFormat::kWav));
  return path;
}

TEST(FileAudioSource, GivesTheFileAt24kHzIn20msChunksThenEnds) {
  mv::FileSourceOptions options;
  options.real_time = false;
  options.trailing_silence = false;
  mv::FileAudioSource source(WriteWav(16000, 16000), options);  // 1 s at 16 kHz
  std::vector<float> chunk;
  std::size_t total = 0, chunks = 0;
  while (source.Read(chunk)) {
    EXPECT_LE(chunk.size(), 480u);
    total += chunk.size();
    ++chunks;
  }
  EXPECT_EQ(total, 4800u + 24000u);  // 200 ms lead-in + 1 s
  EXPECT_EQ(chunks, (4800u + 24000u + 479) / 480);
  EXPECT_FALSE(source.speaking());
}

TEST(FileAudioSource, TrailingSilenceRunsUntilStopped) {
  mv::FileSourceOptions options;
  options.real_time = false;
  mv::FileAudioSource source(WriteWav(2400, 24000), options);  // 0.1 s
  std::vector<float> chunk;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(source.Read(chunk));
    ASSERT_EQ(chunk.size(), 480u);
  }
  EXPECT_FALSE(source.speaking());
  for (float s : chunk) EXPECT_EQ(s, 0.0f);
  source.Stop();
  EXPECT_FALSE(source.Read(chunk));
}

TEST(FileAudioSource, MissingOrBadFileIsAClearError) {
  try {
    mv::FileAudioSource source("/nonexistent/q.wav");
    FAIL();
  } catch (const mv::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/q.wav"), std::string::npos);
  }
  std::string path = mvtest::TempDir() + "/text.wav";
  mvtest::WriteFile(path, "this is not audio at all, just some text in a file");
  try {
    mv::FileAudioSource source(path);
    FAIL();
  } catch (const mv::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(WavFileSink, WritesEverythingPlayedAt24kHz) {
  std::string path = mvtest::TempDir() + "/out.wav";
  mv::WavFileSink sink(path);
  std::vector<float> tone(2400, 0.25f);
  sink.Play(tone.data(), tone.size());
  sink.Flush();  // a file keeps what it received
  sink.Play(tone.data(), tone.size());
  sink.Finish();
  mv::AudioBuffer audio = mv::DecodeAudio(mvtest::ReadFile(path));
  EXPECT_EQ(audio.sample_rate, 24000);
  EXPECT_EQ(audio.samples.size(), 4800u);
  EXPECT_THROW(mv::WavFileSink("/nonexistent/dir/out.wav"), mv::Error);
}

}  // namespace
