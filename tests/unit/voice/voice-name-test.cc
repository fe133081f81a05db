#include "voice/voice-name.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace mv {
namespace {

TEST(VoiceNameTest, NamesBecomeLowerCaseIds) {
  EXPECT_EQ(VoiceIdFromName("Alice"), "alice");
  EXPECT_EQ(VoiceIdFromName("Grandpa Joe"), "grandpa_joe");
  EXPECT_EQ(VoiceIdFromName("voice_2-b"), "voice_2-b");
  EXPECT_EQ(VoiceIdFromName(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(VoiceIdFromName("com10"), "com10");  // only com1..com9 are devices
}

TEST(VoiceNameTest, MaliciousOrOddNamesAreRefused) {
  const std::vector<std::string> bad = {"",
                                        "..",
                                        "../x",
                                        "a/b",
                                        "a\\b",
                                        ".hidden",
                                        "x.",
                                        "a.b",
                                        " alice",
                                        "alice ",
                                        "-x",
                                        "_x",
                                        "CON",
                                        "nul",
                                        "Com1",
                                        "LPT9",
                                        "mirror",
                                        "Default",
                                        "a\nb",
                                        std::string("a\0b", 3),
                                        "caf\xc3\xa9",
                                        "\xe2\x80\xae"
                                        "evil",
                                        "\xef\xbc\x8f",
                                        "a:b",
                                        "a*b",
                                        "%2e%2e",
                                        std::string(65, 'a'),
                                        std::string(200, 'x')};
  for (const std::string& name : bad) {
    try {
      VoiceIdFromName(name);
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "bad_voice_name");
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    }
  }
}

TEST(VoiceNameTest, IdsAreCheckedStrictly) {
  EXPECT_TRUE(IsValidVoiceId("alice"));
  EXPECT_TRUE(IsValidVoiceId("grandpa_joe"));
  for (const char* id : {"", "..", "Alice", "a/b", ".x", "_x", "-x", "con", "mirror", "a b"})
    EXPECT_FALSE(IsValidVoiceId(id)) << id;
  EXPECT_FALSE(IsValidVoiceId(std::string(65, 'a')));
  EXPECT_THROW(ValidateVoiceId("../etc"), Error);
}

}  // namespace
}  // namespace mv
