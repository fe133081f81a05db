#include "audio/audio-encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "audio-test-util.h"
#include "audio/audio-decoder.h"
#include "common/error.h"

namespace mv {
namespace {

std::uint32_t Le32(const std::string& s, std::size_t offset) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[offset + i]);
  return v;
}

std::uint16_t Le16(const std::string& s, std::size_t offset) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[offset]) |
                                    (static_cast<unsigned char>(s[offset + 1]) << 8));
}

std::int16_t SampleAt(const std::string& pcm, std::size_t i) {
  return static_cast<std::int16_t>(Le16(pcm, 2 * i));
}

TEST(AudioEncoderTest, WavHeaderIsCanonicalPcm16Mono) {
  AudioBuffer audio;
  audio.sample_rate = 24000;
  audio.samples = {0.0f, 0.5f, -0.5f};
  const std::string wav = EncodeAudio(audio, AudioFormat::kWav);
  ASSERT_EQ(wav.size(), 44u + 6u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(Le32(wav, 4), 36u + 6u);
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(Le32(wav, 16), 16u);
  EXPECT_EQ(Le16(wav, 20), 1u);  // PCM
  EXPECT_EQ(Le16(wav, 22), 1u);  // mono
  EXPECT_EQ(Le32(wav, 24), 24000u);
  EXPECT_EQ(Le32(wav, 28), 48000u);
  EXPECT_EQ(Le16(wav, 32), 2u);
  EXPECT_EQ(Le16(wav, 34), 16u);
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(Le32(wav, 40), 6u);
  EXPECT_EQ(wav.substr(44), ToPcm16(audio.samples.data(), 3));
}

TEST(AudioEncoderTest, WavStreamHeaderHasUnknownLength) {
  const std::string h = WavStreamHeader(32000);
  ASSERT_EQ(h.size(), 44u);
  EXPECT_EQ(h.substr(0, 4), "RIFF");
  EXPECT_EQ(Le32(h, 4), 36u);
  EXPECT_EQ(Le32(h, 24), 32000u);
  EXPECT_EQ(Le32(h, 40), 0u);
  EXPECT_THROW(WavStreamHeader(0), Error);
}

TEST(AudioEncoderTest, Pcm16ClampsAndRounds) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {0.0f, 1.0f, -1.0f, 2.0f, -3.0f, 0.5f, nan, 1e-6f};
  const std::string pcm = ToPcm16(x.data(), x.size());
  ASSERT_EQ(pcm.size(), 2 * x.size());
  EXPECT_EQ(SampleAt(pcm, 0), 0);
  EXPECT_EQ(SampleAt(pcm, 1), 32767);
  EXPECT_EQ(SampleAt(pcm, 2), -32767);
  EXPECT_EQ(SampleAt(pcm, 3), 32767);
  EXPECT_EQ(SampleAt(pcm, 4), -32767);
  EXPECT_EQ(SampleAt(pcm, 5), 16384);
  EXPECT_EQ(SampleAt(pcm, 6), 0);
  EXPECT_EQ(SampleAt(pcm, 7), 0);
  AudioBuffer audio;
  audio.samples = x;
  EXPECT_EQ(EncodeAudio(audio, AudioFormat::kPcm16), pcm);
}

TEST(AudioEncoderTest, ParsesNamesAndAliases) {
  EXPECT_EQ(ParseAudioFormat("wav"), AudioFormat::kWav);
  EXPECT_EQ(ParseAudioFormat("WAV"), AudioFormat::kWav);
  EXPECT_EQ(ParseAudioFormat("pcm"), AudioFormat::kPcm16);
  EXPECT_EQ(ParseAudioFormat("raw"), AudioFormat::kPcm16);
  EXPECT_EQ(ParseAudioFormat("opus"), AudioFormat::kOggOpus);
  EXPECT_EQ(ParseAudioFormat("flac"), AudioFormat::kFlac);
  EXPECT_EQ(ParseAudioFormat("mp3"), AudioFormat::kMp3);
  EXPECT_EQ(ParseAudioFormat("aac"), AudioFormat::kAac);
  EXPECT_EQ(ParseAudioFormat("m4a"), AudioFormat::kM4a);
  EXPECT_EQ(ParseAudioFormat("ogg"), AudioFormat::kOggVorbis);
  EXPECT_EQ(ParseAudioFormat("vorbis"), AudioFormat::kOggVorbis);
  EXPECT_EQ(ParseAudioFormat("webm"), AudioFormat::kWebmOpus);
  for (AudioFormat f : {AudioFormat::kWav, AudioFormat::kPcm16, AudioFormat::kOggOpus,
                        AudioFormat::kFlac, AudioFormat::kMp3, AudioFormat::kAac, AudioFormat::kM4a,
                        AudioFormat::kOggVorbis, AudioFormat::kWebmOpus}) {
    EXPECT_EQ(ParseAudioFormat(AudioFormatName(f)), f);
    EXPECT_EQ(ContentType(f).rfind("audio/", 0), 0u) << ContentType(f);
  }
}

TEST(AudioEncoderTest, UnknownFormatIsInvalidInput) {
  for (const char* name : {"", "wave", "mp4a", "pcm24", "opus "}) {
    try {
      ParseAudioFormat(name);
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      EXPECT_EQ(e.code(), "bad_audio_format");
      EXPECT_NE(std::string(e.what()).find("wav"), std::string::npos) << e.what();
    }
  }
}

TEST(AudioEncoderTest, ContentTypes) {
  EXPECT_EQ(ContentType(AudioFormat::kWav), "audio/wav");
  EXPECT_EQ(ContentType(AudioFormat::kMp3), "audio/mpeg");
  EXPECT_EQ(ContentType(AudioFormat::kOggOpus), "audio/ogg");
  EXPECT_EQ(ContentType(AudioFormat::kM4a), "audio/mp4");
  EXPECT_EQ(ContentType(AudioFormat::kWebmOpus), "audio/webm");
  EXPECT_EQ(std::string(FileExtension(AudioFormat::kOggOpus)), "opus");
}

// Each container starts with its own signature, so players recognise it.
TEST(AudioEncoderTest, CompressedFormatsHaveTheirContainerMagic) {
  const AudioBuffer& speech = test::Speech();
  auto starts = [](const std::string& s, std::string_view magic, std::size_t at = 0) {
    return s.size() >= at + magic.size() && s.compare(at, magic.size(), magic) == 0;
  };
  EXPECT_TRUE(starts(EncodeAudio(speech, AudioFormat::kOggOpus), "OggS"));
  EXPECT_TRUE(starts(EncodeAudio(speech, AudioFormat::kOggVorbis), "OggS"));
  EXPECT_TRUE(starts(EncodeAudio(speech, AudioFormat::kFlac), "fLaC"));
  EXPECT_TRUE(starts(EncodeAudio(speech, AudioFormat::kWebmOpus), "\x1A\x45\xDF\xA3"));
  EXPECT_TRUE(starts(EncodeAudio(speech, AudioFormat::kM4a), "ftyp", 4));
  const std::string adts = EncodeAudio(speech, AudioFormat::kAac);
  ASSERT_GE(adts.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(adts[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(adts[1]) & 0xF0, 0xF0);
  const std::string mp3 = EncodeAudio(speech, AudioFormat::kMp3);
  EXPECT_TRUE(starts(mp3, "ID3") || static_cast<unsigned char>(mp3[0]) == 0xFF);
}

// Rates Opus cannot take are resampled inside the encoder.
TEST(AudioEncoderTest, OpusAcceptsAnyInputRate) {
  const AudioBuffer speech = Resample(test::Speech(), 22050);
  const std::string opus = EncodeAudio(speech, AudioFormat::kOggOpus);
  ASSERT_FALSE(opus.empty());
  const AudioBuffer decoded = DecodeAudio(opus);
  EXPECT_EQ(decoded.sample_rate, 48000);
  EXPECT_NEAR(decoded.DurationSeconds(), speech.DurationSeconds(), 0.05);
  EXPECT_GT(test::Similarity(speech, decoded), 0.99);
}

TEST(AudioEncoderTest, EmptyAudioEncodesToValidFiles) {
  AudioBuffer empty;
  EXPECT_EQ(EncodeAudio(empty, AudioFormat::kWav).size(), 44u);
  EXPECT_EQ(EncodeAudio(empty, AudioFormat::kPcm16), "");
  for (AudioFormat f :
       {AudioFormat::kOggOpus, AudioFormat::kFlac, AudioFormat::kMp3, AudioFormat::kAac,
        AudioFormat::kM4a, AudioFormat::kOggVorbis, AudioFormat::kWebmOpus}) {
    EXPECT_NO_THROW(EncodeAudio(empty, f)) << AudioFormatName(f);
  }
}

TEST(AudioEncoderTest, RejectsBadSampleRate) {
  AudioBuffer audio;
  audio.sample_rate = 0;
  audio.samples = {0.1f};
  EXPECT_THROW(EncodeAudio(audio, AudioFormat::kWav), Error);
  EXPECT_THROW(EncodeAudio(audio, AudioFormat::kOggOpus), Error);
}

}  // namespace
}  // namespace mv
