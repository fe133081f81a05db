#include "audio/audio-decoder.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <random>

#include "audio-test-util.h"
#include "audio/audio-encoder.h"
#include "common/error.h"

namespace mv {
namespace {

// Runs DecodeAudio expecting an mv::Error; returns it for inspection.
Error DecodeError(std::string_view bytes, const AudioConfig& limits = {}) {
  try {
    DecodeAudio(bytes, limits);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "DecodeAudio did not throw";
  return Error(ErrorKind::kInternal, "none", "none");
}

void ExpectError(std::string_view bytes, ErrorKind kind, const std::string& code,
                 const AudioConfig& limits = {}) {
  const Error e = DecodeError(bytes, limits);
  EXPECT_EQ(e.kind(), kind) << e.what();
  EXPECT_EQ(e.code(), code) << e.what();
  EXPECT_STRNE(e.what(), "");
}

struct WavCase {
  const char* name;
  test::WavSample type;
  double max_error;  // quantisation step of the format
};

class WavFormatTest : public ::testing::TestWithParam<WavCase> {};

TEST_P(WavFormatTest, DecodesSampleExactly) {
  const WavCase& c = GetParam();
  const AudioBuffer& speech = test::Speech();
  const AudioBuffer decoded = DecodeAudio(test::MakeWav({speech.samples}, 16000, c.type));
  EXPECT_EQ(decoded.sample_rate, 16000);
  ASSERT_EQ(decoded.samples.size(), speech.samples.size());
  double worst = 0;
  for (std::size_t i = 0; i < speech.samples.size(); ++i) {
    worst = std::max(worst, std::abs(double(decoded.samples[i]) - speech.samples[i]));
  }
  EXPECT_LT(worst, c.max_error) << c.name;
}

INSTANTIATE_TEST_SUITE_P(AllSampleFormats, WavFormatTest,
                         ::testing::Values(WavCase{"u8", test::WavSample::kU8, 1.0 / 128},
                                           WavCase{"s16", test::WavSample::kS16, 1.0 / 32767},
                                           WavCase{"s24", test::WavSample::kS24, 1e-6},
                                           WavCase{"s32", test::WavSample::kS32, 1e-6},
                                           WavCase{"f32", test::WavSample::kF32, 1e-7}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AudioDecoderTest, StereoIsDownmixedByAveragingAtNativeRate) {
  const AudioBuffer speech44 = Resample(test::Speech(), 44100);
  const std::string wav = test::MakeWav({speech44.samples, test::Scaled(speech44.samples, 0.5f)},
                                        44100, test::WavSample::kF32);
  const AudioBuffer decoded = DecodeAudio(wav);
  EXPECT_EQ(decoded.sample_rate, 44100);
  ASSERT_EQ(decoded.samples.size(), speech44.samples.size());
  for (std::size_t i = 0; i < decoded.samples.size(); i += 97) {
    ASSERT_NEAR(decoded.samples[i], 0.75f * speech44.samples[i], 1e-6) << i;
  }
}

TEST(AudioDecoderTest, OppositeChannelsCancel) {
  const AudioBuffer& speech = test::Speech();
  const std::string wav = test::MakeWav({speech.samples, test::Scaled(speech.samples, -1.0f)},
                                        16000, test::WavSample::kS16);
  const AudioBuffer decoded = DecodeAudio(wav);
  for (float x : decoded.samples) ASSERT_NEAR(x, 0.0f, 1e-4);
}

TEST(AudioDecoderTest, StreamingWavWithUnknownLengthDecodesToTheEnd) {
  const AudioBuffer& speech = test::Speech();
  const std::string bytes =
      WavStreamHeader(16000) + ToPcm16(speech.samples.data(), speech.samples.size());
  const AudioBuffer decoded = DecodeAudio(bytes);
  EXPECT_EQ(decoded.samples.size(), speech.samples.size());
}

// Cover art can make the ID3 tag bigger than the format probe's window.
TEST(AudioDecoderTest, Mp3WithHugeId3TagDecodes) {
  const std::string mp3 = EncodeAudio(test::Speech(), AudioFormat::kMp3);
  const std::uint32_t tag_size = 3 << 20;
  std::string tag = "ID3\x04";
  tag += '\0';
  tag += '\0';
  for (int shift : {21, 14, 7, 0}) tag += static_cast<char>((tag_size >> shift) & 0x7f);
  tag += std::string(tag_size, '\0');  // padding, as tag editors leave
  const AudioBuffer decoded = DecodeAudio(tag + mp3);
  EXPECT_NEAR(decoded.DurationSeconds(), test::Speech().DurationSeconds(), 0.05);
}

TEST(AudioDecoderTest, EmptyInput) { ExpectError("", ErrorKind::kInvalidInput, "empty_audio"); }

TEST(AudioDecoderTest, WavWithoutSamplesIsEmpty) {
  ExpectError(EncodeAudio(AudioBuffer{}, AudioFormat::kWav), ErrorKind::kInvalidInput,
              "empty_audio");
}

TEST(AudioDecoderTest, RandomBytesAreNotAudio) {
  std::mt19937 rng(42);
  for (std::size_t size : {1u, 16u, 300u, 4096u, 100000u}) {
    for (int round = 0; round < 5; ++round) {
      std::string bytes(size, '\0');
      for (char& b : bytes) b = static_cast<char>(rng());
      ExpectError(bytes, ErrorKind::kInvalidInput, "not_audio");
    }
  }
}

TEST(AudioDecoderTest, TextIsNotAudio) {
  ExpectError(R"({"model": "whisper-1", "text": "hello there"})", ErrorKind::kInvalidInput,
              "not_audio");
  ExpectError("hello world\n", ErrorKind::kInvalidInput, "not_audio");
  ExpectError(std::string(5000, 'a'), ErrorKind::kInvalidInput, "not_audio");
}

TEST(AudioDecoderTest, PngIsNotAudio) {
  static constexpr char kHeader[] =
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
  std::string png(kHeader, sizeof(kHeader) - 1);
  png += std::string(200, '\x11');
  ExpectError(png, ErrorKind::kInvalidInput, "not_audio");
}

TEST(AudioDecoderTest, TruncatedWavHeader) {
  const std::string wav = EncodeAudio(test::Speech(), AudioFormat::kWav);
  for (std::size_t cut : {4u, 11u, 20u, 36u, 43u, 44u}) {
    SCOPED_TRACE(cut);
    ExpectError(wav.substr(0, cut), ErrorKind::kInvalidInput, "truncated");
  }
}

// A cut upload: the data chunk claims more than the file holds. Answering
// for the part that arrived would answer half a question.
TEST(AudioDecoderTest, WavCutInItsDataIsTruncated) {
  const std::string wav = EncodeAudio(test::Speech(), AudioFormat::kWav);
  for (std::size_t keep : {std::size_t{45}, std::size_t{44 + 2 * 1000 + 1}, wav.size() - 2}) {
    SCOPED_TRACE(keep);
    ExpectError(std::string_view(wav).substr(0, keep), ErrorKind::kInvalidInput, "truncated");
  }
  EXPECT_EQ(DecodeAudio(wav).samples.size(), test::Speech().samples.size());
}

// Streaming writers leave the data size 0 (or 0xFFFFFFFF): read to the end.
TEST(AudioDecoderTest, WavOfUnknownLengthDecodesWhatIsThere) {
  const std::string wav = EncodeAudio(test::Speech(), AudioFormat::kWav);
  const std::size_t data_size_at = wav.find("data") + 4;
  for (const char* size : {"\0\0\0\0", "\xff\xff\xff\xff"}) {
    std::string open = wav.substr(0, 44 + 2 * 1000);
    open.replace(data_size_at, 4, std::string(size, 4));
    EXPECT_EQ(DecodeAudio(open).samples.size(), 1000u);
  }
}

// A compressed file cut in half decodes to at most half, or says it is truncated;
// it never crashes or returns garbage lengths.
class CutFileTest : public ::testing::TestWithParam<AudioFormat> {};

TEST_P(CutFileTest, DecodesThePartOrReportsTruncated) {
  const AudioBuffer& speech = test::Speech();
  const std::string bytes = EncodeAudio(speech, GetParam());
  const std::string_view half = std::string_view(bytes).substr(0, bytes.size() / 2);
  try {
    const AudioBuffer decoded = DecodeAudio(half);
    const double ratio = decoded.DurationSeconds() / speech.DurationSeconds();
    std::cout << "[ measured ] " << AudioFormatName(GetParam()) << " cut in half decodes " << ratio
              << " of the length\n";
    // Ogg muxes about 1 s per page and a partial page is dropped.
    EXPECT_GT(ratio, 0.15);
    EXPECT_LT(ratio, 0.6);
  } catch (const Error& e) {
    std::cout << "[ measured ] " << AudioFormatName(GetParam()) << " cut in half: " << e.what()
              << "\n";
    EXPECT_EQ(e.code(), "truncated") << e.what();
  }
  // Cut inside the header: always an error, never a crash.
  for (std::size_t cut : {1u, 10u, 30u, 60u}) {
    try {
      DecodeAudio(std::string_view(bytes).substr(0, cut));
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(LossyFormats, CutFileTest,
                         ::testing::Values(AudioFormat::kMp3, AudioFormat::kOggVorbis,
                                           AudioFormat::kOggOpus, AudioFormat::kWebmOpus,
                                           AudioFormat::kAac, AudioFormat::kM4a,
                                           AudioFormat::kFlac),
                         [](const auto& info) { return std::string(AudioFormatName(info.param)); });

// Random damage anywhere in a file: a result or an mv::Error, never a crash
// or another exception (the ASan build makes this a real check).
TEST(AudioDecoderTest, CorruptedFilesNeverCrash) {
  std::mt19937 rng(7);
  for (AudioFormat format :
       {AudioFormat::kWav, AudioFormat::kFlac, AudioFormat::kMp3, AudioFormat::kOggVorbis,
        AudioFormat::kOggOpus, AudioFormat::kWebmOpus, AudioFormat::kAac, AudioFormat::kM4a}) {
    const std::string original = EncodeAudio(test::Speech(), format);
    for (int round = 0; round < 10; ++round) {
      std::string bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 20);
      for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
      try {
        const AudioBuffer decoded = DecodeAudio(bytes);
        EXPECT_GT(decoded.sample_rate, 0);
        EXPECT_LT(decoded.DurationSeconds(), 2 * test::Speech().DurationSeconds());
      } catch (const Error&) {
      }
    }
  }
}

TEST(AudioDecoderTest, M4aWithoutItsIndexIsTruncated) {
  // The encoder writes the moov box last, so the first half has no index.
  const std::string m4a = EncodeAudio(test::Speech(), AudioFormat::kM4a);
  ExpectError(std::string_view(m4a).substr(0, m4a.size() / 2), ErrorKind::kInvalidInput,
              "truncated");
}

TEST(AudioDecoderTest, OverMaxBytesIsRejectedBeforeDecoding) {
  AudioConfig limits;
  limits.max_bytes = 1000;
  // Not even audio: the size check comes first.
  ExpectError(std::string(1001, 'x'), ErrorKind::kTooLarge, "too_large", limits);
  EXPECT_NO_THROW(DecodeAudio(
      test::MakeWav({std::vector<float>(400, 0.1f)}, 16000, test::WavSample::kS16), limits));
}

TEST(AudioDecoderTest, OverMaxSecondsIsTooLong) {
  AudioConfig limits;
  limits.max_seconds = 1.0;
  ASSERT_GT(test::Speech().DurationSeconds(), 2.0);
  for (AudioFormat format : {AudioFormat::kWav, AudioFormat::kMp3, AudioFormat::kOggOpus}) {
    SCOPED_TRACE(AudioFormatName(format));
    ExpectError(EncodeAudio(test::Speech(), format), ErrorKind::kTooLarge, "too_long", limits);
  }
  limits.max_seconds = 10.0;
  EXPECT_NO_THROW(DecodeAudio(EncodeAudio(test::Speech(), AudioFormat::kWav), limits));
}

// Silence compresses to almost nothing: the decoded length, not the size,
// must trip the limit.
TEST(AudioDecoderTest, HighlyCompressedLongFileIsTooLong) {
  AudioBuffer minute;
  minute.sample_rate = 8000;
  minute.samples.assign(8000 * 60, 0.0f);
  const std::string flac = EncodeAudio(minute, AudioFormat::kFlac);
  EXPECT_LT(flac.size(), 100000u);
  AudioConfig limits;
  limits.max_seconds = 0.5;
  ExpectError(flac, ErrorKind::kTooLarge, "too_long", limits);
}

// A WAV header declaring `rate`, with `samples` samples of 16-bit mono.
std::string WavAtRate(std::uint32_t rate, std::size_t samples) {
  std::string wav =
      test::MakeWav({std::vector<float>(samples, 0.1f)}, 16000, test::WavSample::kS16);
  for (int i = 0; i < 4; ++i) wav[24 + i] = static_cast<char>((rate >> (8 * i)) & 0xFF);
  const std::uint32_t bytes_per_s = rate * 2;
  for (int i = 0; i < 4; ++i) wav[28 + i] = static_cast<char>((bytes_per_s >> (8 * i)) & 0xFF);
  return wav;
}

TEST(AudioDecoderTest, DeclaredSampleRateOutsideTheLimitsIsRefused) {
  for (std::uint32_t rate : {1u, 100u, 3999u, 192001u, 655350u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    SCOPED_TRACE(rate);
    ExpectError(WavAtRate(rate, 100), ErrorKind::kInvalidInput, "unsupported_sample_rate");
  }
  AudioConfig narrow;
  narrow.min_sample_rate = 16000;
  narrow.max_sample_rate = 16000;
  ExpectError(WavAtRate(8000, 100), ErrorKind::kInvalidInput, "unsupported_sample_rate", narrow);
  EXPECT_NO_THROW(DecodeAudio(WavAtRate(16000, 100), narrow));
}

TEST(AudioDecoderTest, FlacAtARefusedRateFailsBeforeDecoding) {
  AudioBuffer tone;
  tone.sample_rate = 96000;
  tone.samples.assign(9600, 0.1f);
  AudioConfig limits;
  limits.max_sample_rate = 48000;
  ExpectError(EncodeAudio(tone, AudioFormat::kFlac), ErrorKind::kInvalidInput,
              "unsupported_sample_rate", limits);
}

TEST(AudioDecoderTest, OneSampleFilesDecodeOrFailCleanly) {
  // Was a crash: 1 sample at 48 kHz resampled to 0 samples into a null buffer.
  for (std::uint32_t rate : {8000u, 44100u, 48000u, 192000u}) {
    SCOPED_TRACE(rate);
    try {
      const AudioBuffer a = DecodeAudio(WavAtRate(rate, 1), {}, 16000);
      EXPECT_EQ(a.sample_rate, 16000);
      EXPECT_LE(a.samples.size(), 2u);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
    }
    EXPECT_LE(Resample(AudioBuffer{{0.5f}, static_cast<int>(rate)}, 16000).samples.size(), 2u);
  }
}

TEST(AudioDecoderTest, ResamplingWhileDecodingMatchesResamplingAfter) {
  const std::string wav = EncodeAudio(test::Speech(), AudioFormat::kWav);
  const AudioBuffer after = Resample(DecodeAudio(wav), 24000);
  const AudioBuffer during = DecodeAudio(wav, {}, 24000);
  EXPECT_EQ(during.sample_rate, 24000);
  ASSERT_NEAR(static_cast<double>(during.samples.size()), static_cast<double>(after.samples.size()),
              64.0);
  double diff = 0, energy = 0;
  const std::size_t n = std::min(during.samples.size(), after.samples.size());
  for (std::size_t i = 0; i < n; ++i) {
    diff += std::pow(during.samples[i] - after.samples[i], 2);
    energy += std::pow(after.samples[i], 2);
  }
  EXPECT_LT(diff / energy, 1e-3);
}

// Peak resident memory a forked child gains while decoding `bytes`.
long PeakGrowthKb(const std::string& bytes, int target_rate) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    long samples = 0;
    try {
      AudioConfig limits;
      limits.max_bytes = 100u << 20;
      samples = static_cast<long>(DecodeAudio(bytes, limits, target_rate).samples.size());
    } catch (...) {
      samples = -1;
    }
    getrusage(RUSAGE_SELF, &after);
    const long growth = samples < 0 ? -1 : after.ru_maxrss - before.ru_maxrss;
    if (write(fds[1], &growth, sizeof growth) != sizeof growth) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  long growth = -1;
  if (read(fds[0], &growth, sizeof growth) != sizeof growth) growth = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return growth;
}

// A small file at a high rate: memory follows the output rate, not the file's.
TEST(AudioDecoderTest, HighRateBombStaysProportionalToTheOutput) {
  AudioBuffer silence;
  silence.sample_rate = 192000;
  silence.samples.assign(192000 * 60, 0.0f);  // a minute: 46 MB as floats
  const std::string flac = EncodeAudio(silence, AudioFormat::kFlac);
  silence.samples = {};
  EXPECT_LT(flac.size(), 2u << 20);
  const long at_16k = PeakGrowthKb(flac, 16000);
  const long at_file_rate = PeakGrowthKb(flac, 0);
  ASSERT_GE(at_16k, 0);
  ASSERT_GE(at_file_rate, 0);
  std::cout << "[ measured ] " << flac.size() / 1024 << " KB FLAC at 192 kHz, 60 s: peak growth "
            << at_16k / 1024 << " MB decoding to 16 kHz, " << at_file_rate / 1024
            << " MB at the file's rate\n";
  // 60 s at 16 kHz is 3.8 MB of floats, at the file's rate 46 MB. A ratio,
  // so that a sanitizer's own overhead (shadow, quarantine) cancels out.
  EXPECT_GT(at_file_rate, 40 * 1024);
  EXPECT_LT(at_16k * 2, at_file_rate) << "peak growth " << at_16k << " KB at 16 kHz, "
                                      << at_file_rate << " KB at the file's rate";
}

}  // namespace
}  // namespace mv
