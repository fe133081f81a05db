// Speech through every encoder and back through the decoder: the decoded
// audio must have the expected rate, the original's length, and still be the
// same speech (normalised cross-correlation against the original).
#include <gtest/gtest.h>

#include <iostream>

#include "audio-test-util.h"
#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"

namespace mv {
namespace {

struct RoundTripCase {
  AudioFormat format;
  int decoded_rate;           // Opus always decodes at 48 kHz
  double max_length_error_s;  // codec padding the decoder cannot trim
  double min_similarity;
};

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, DecodesBackToTheSameSpeech) {
  const RoundTripCase& c = GetParam();
  const AudioBuffer& speech = test::Speech();
  const std::string bytes = EncodeAudio(speech, c.format);
  ASSERT_FALSE(bytes.empty());

  const AudioBuffer decoded = DecodeAudio(bytes);
  EXPECT_EQ(decoded.sample_rate, c.decoded_rate);
  EXPECT_NEAR(decoded.DurationSeconds(), speech.DurationSeconds(), c.max_length_error_s);
  int lag = 0;
  const double similarity = test::Similarity(speech, decoded, &lag);
  std::cout << "[ measured ] " << AudioFormatName(c.format) << ": " << bytes.size()
            << " bytes, similarity " << similarity << ", lag " << lag << ", length error "
            << decoded.DurationSeconds() - speech.DurationSeconds() << " s\n";
  EXPECT_GT(similarity, c.min_similarity);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, RoundTripTest,
                         ::testing::Values(RoundTripCase{AudioFormat::kWav, 16000, 0.0, 0.9999},
                                           RoundTripCase{AudioFormat::kFlac, 16000, 0.0, 0.9999},
                                           RoundTripCase{AudioFormat::kMp3, 16000, 0.1, 0.99},
                                           RoundTripCase{AudioFormat::kOggVorbis, 16000, 0.1, 0.99},
                                           RoundTripCase{AudioFormat::kOggOpus, 48000, 0.1, 0.99},
                                           RoundTripCase{AudioFormat::kWebmOpus, 48000, 0.1, 0.99},
                                           RoundTripCase{AudioFormat::kAac, 16000, 0.1, 0.99},
                                           RoundTripCase{AudioFormat::kM4a, 16000, 0.1, 0.99}),
                         [](const auto& info) {
                           return std::string(AudioFormatName(info.param.format));
                         });

}  // namespace
}  // namespace mv

namespace mv {
namespace {

// A one-word answer is short: the format probe must still trust it.
TEST(RoundTripTest, ShortClipsDecodeInEveryFormat) {
  AudioBuffer clip;
  clip.sample_rate = 16000;
  const auto& speech = test::Speech().samples;
  clip.samples.assign(speech.begin() + 8000, speech.begin() + 8000 + 3200);  // 0.2 s
  for (AudioFormat format :
       {AudioFormat::kWav, AudioFormat::kFlac, AudioFormat::kMp3, AudioFormat::kOggVorbis,
        AudioFormat::kOggOpus, AudioFormat::kWebmOpus, AudioFormat::kAac, AudioFormat::kM4a}) {
    SCOPED_TRACE(AudioFormatName(format));
    const AudioBuffer decoded = DecodeAudio(EncodeAudio(clip, format));
    // AAC pads to whole 1024-sample frames; ADTS cannot even say how much
    // priming to trim (M4A can): up to 2047 or 1023 extra samples.
    const double tolerance = format == AudioFormat::kAac   ? 0.13
                             : format == AudioFormat::kM4a ? 0.065
                                                           : 0.05;
    EXPECT_NEAR(decoded.DurationSeconds(), 0.2, tolerance);
    EXPECT_GT(test::Similarity(clip, decoded), 0.95);
  }
}

}  // namespace
}  // namespace mv
