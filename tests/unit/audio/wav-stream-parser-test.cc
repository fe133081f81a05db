// WavStreamParser: TTS servers' WAV streams cut anywhere.
#include "audio/wav-stream-parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "audio/audio-encoder.h"
#include "common/error.h"

namespace mv {
namespace {

std::vector<float> Tone(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.5f * std::sin(static_cast<float>(i) * 0.1f);
  return v;
}

std::vector<float> FeedInPieces(WavStreamParser& p, const std::string& bytes, std::size_t piece) {
  std::vector<float> out;
  for (std::size_t at = 0; at < bytes.size(); at += piece)
    p.Feed(std::string_view(bytes).substr(at, piece), &out);
  p.Finish();
  return out;
}

TEST(WavStreamParserTest, StreamingHeaderThenPcmCutAtEveryByte) {
  const auto tone = Tone(1000);
  const std::string stream = WavStreamHeader(32000) + ToPcm16(tone.data(), tone.size());
  for (std::size_t piece : {1u, 3u, 7u, 43u, 44u, 45u, 4096u}) {
    WavStreamParser p;
    const auto got = FeedInPieces(p, stream, piece);
    ASSERT_EQ(got.size(), tone.size()) << piece;
    EXPECT_EQ(p.sample_rate(), 32000);
    EXPECT_EQ(p.data_size(), 0u);  // unknown length
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], tone[i], 1.0 / 16384);
  }
}

TEST(WavStreamParserTest, WholeFileStopsAtTheDataChunkEnd) {
  const auto tone = Tone(500);
  std::string wav = EncodeAudio(AudioBuffer{tone, 24000}, AudioFormat::kWav);
  wav += "LIST\x04\0\0\0abcd";  // a trailing chunk is not audio
  WavStreamParser p;
  const auto got = FeedInPieces(p, wav, 5);
  EXPECT_EQ(got.size(), 500u);
  EXPECT_EQ(p.sample_rate(), 24000);
}

TEST(WavStreamParserTest, SkipsChunksBeforeDataAndMixesChannels) {
  // fmt (stereo, 16-bit) + LIST + data with L=0.5, R=-0.25.
  std::string wav = "RIFF\0\0\0\0WAVEfmt ";
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  wav = std::string("RIFF", 4) + u32(0) + "WAVE" + "fmt " + u32(16) + u16(1) + u16(2) + u32(16000) +
        u32(64000) + u16(4) + u16(16) + "LIST" + u32(3) + "abc" + std::string(1, '\0') + "data" +
        u32(8) + u16(16384) + u16(static_cast<uint16_t>(-8192)) + u16(16384) +
        u16(static_cast<uint16_t>(-8192));
  WavStreamParser p;
  const auto got = FeedInPieces(p, wav, 3);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NEAR(got[0], 0.125, 1e-4);
  EXPECT_EQ(p.channels(), 2);
}

TEST(WavStreamParserTest, RawPcmNeedsNoHeader) {
  const auto tone = Tone(301);
  WavStreamParser p = WavStreamParser::RawPcm16(24000);
  const auto got = FeedInPieces(p, ToPcm16(tone.data(), tone.size()), 11);
  EXPECT_EQ(got.size(), 301u);
}

TEST(WavStreamParserTest, NotWavIsAnUpstreamError) {
  WavStreamParser p;
  std::vector<float> out;
  try {
    p.Feed(R"({"detail":"Not Found"})", &out);
    FAIL() << "accepted JSON";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
    EXPECT_EQ(e.code(), "bad_wav");
  }
  WavStreamParser empty;
  EXPECT_THROW(empty.Finish(), Error);
  WavStreamParser half;
  half.Feed("RIFF\x24\0\0\0WAVEfmt ", &out);
  EXPECT_THROW(half.Finish(), Error);
}

}  // namespace
}  // namespace mv
