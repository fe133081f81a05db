#include "audio/audio-config.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/error.h"

namespace mv {
namespace {

std::string ValidationMessage(const AudioConfig& config) {
  try {
    config.Validate();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    return e.what();
  }
  return "";
}

TEST(AudioConfigTest, DefaultsAreValid) { EXPECT_NO_THROW(AudioConfig{}.Validate()); }

TEST(AudioConfigTest, ErrorsNameTheKey) {
  AudioConfig c;
  c.max_bytes = 0;
  EXPECT_NE(ValidationMessage(c).find("audio.max_bytes"), std::string::npos);
  for (double bad : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()}) {
    AudioConfig d;
    d.max_seconds = bad;
    EXPECT_NE(ValidationMessage(d).find("audio.max_seconds"), std::string::npos) << bad;
  }
}

TEST(AudioConfigTest, ToStringShowsValues) {
  AudioConfig c;
  c.max_bytes = 1234;
  c.max_seconds = 7.5;
  const std::string s = c.ToString();
  EXPECT_NE(s.find("1234"), std::string::npos) << s;
  EXPECT_NE(s.find("7.5"), std::string::npos) << s;
}

}  // namespace
}  // namespace mv
