// The voice library on disk: enrolment, listing, deletion, persistence,
// refused names, and what a crash or a full disk leaves behind.
#include "voice/voice-library.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "common/error.h"
#include "support/server-process.h"
#include "support/test-sentences.h"
#include "voice-test-util.h"

namespace mv {
namespace {

namespace fs = std::filesystem;

std::string Wav(const AudioBuffer& a) { return EncodeAudio(a, AudioFormat::kWav); }

// About 8 s of rms speaking, with pauses.
const std::string& Recording() {
  static const std::string wav = [] {
    AudioBuffer all = test::Silence(0.5);
    for (int i : {0, 1, 2}) {
      test::Append(all, test::Speak(test::Flite(), test::kAssistantSentences[i], "rms"));
      test::Append(all, test::Silence(0.4, all.sample_rate));
    }
    return Wav(all);
  }();
  return wav;
}

class VoiceLibraryTest : public ::testing::Test {
 protected:
  VoiceLibraryConfig Config() {
    VoiceLibraryConfig c;
    c.dir = dir_;
    return c;
  }
  std::string dir_ = mvtest::TempDir() + "/voices";
};

TEST_F(VoiceLibraryTest, EnrolsListsFindsAndDeletes) {
  int transcribed = 0;
  VoiceLibrary lib(Config(), [&](const AudioBuffer& a, const CancelToken&) {
    ++transcribed;
    EXPECT_GE(a.DurationSeconds(), 3.0);
    return std::string("what they said");
  });
  EXPECT_EQ(lib.size(), 0u);
  EXPECT_FALSE(fs::exists(dir_));  // nothing is created before the first voice
  const LibraryVoice v = lib.Add("Grandpa Joe", Recording(), std::nullopt);
  EXPECT_EQ(v.id, "grandpa_joe");
  EXPECT_EQ(v.name, "Grandpa Joe");
  EXPECT_EQ(v.transcript, "what they said");
  EXPECT_EQ(transcribed, 1);
  EXPECT_GE(v.duration, 3.0);
  EXPECT_LE(v.duration, 10.0);
  EXPECT_EQ(v.created.size(), 20u);  // 2026-01-02T03:04:05Z
  const AudioBuffer ref = DecodeAudio(mvtest::ReadFile(dir_ + "/grandpa_joe/reference.wav"));
  EXPECT_NEAR(ref.DurationSeconds(), v.duration, 0.01);
  const auto meta = nlohmann::json::parse(mvtest::ReadFile(dir_ + "/grandpa_joe/meta.json"));
  EXPECT_EQ(meta["id"], "grandpa_joe");
  EXPECT_EQ(meta["transcript_source"], "asr");

  const LibraryVoice given = lib.Add("alice", Recording(), std::string("my own words"));
  EXPECT_EQ(given.transcript, "my own words");
  EXPECT_EQ(transcribed, 1);  // a given transcript is kept as is
  ASSERT_EQ(lib.List().size(), 2u);
  EXPECT_EQ(lib.List()[0].id, "alice");
  auto reference = lib.Reference("alice");
  EXPECT_EQ(reference->id.rfind("voice:alice@", 0), 0u);
  EXPECT_EQ(reference->transcript, "my own words");
  EXPECT_TRUE(fs::path(reference->wav_path).is_absolute());

  EXPECT_TRUE(lib.Remove("alice"));
  EXPECT_FALSE(lib.Remove("alice"));
  EXPECT_FALSE(lib.Find("alice"));
  EXPECT_FALSE(fs::exists(dir_ + "/alice"));
  EXPECT_THROW(lib.Reference("alice"), Error);
  EXPECT_THROW(lib.Remove("../grandpa_joe"), Error);
}

TEST_F(VoiceLibraryTest, SurvivesARestartUnchangedAndCleansCrashLeftovers) {
  std::vector<nlohmann::json> before;
  {
    VoiceLibrary lib(Config());
    lib.Add("bob", Recording(), std::string("hello"));
    lib.Add("carol", Recording(), std::nullopt);  // no transcriber: none
    for (const auto& v : lib.List()) before.push_back(v.ToJson());
  }
  // What a crash mid-enrolment or mid-deletion leaves, and a stray folder.
  fs::create_directories(dir_ + "/.tmp-dave-1-2-3");
  mvtest::WriteFile(dir_ + "/.tmp-dave-1-2-3/reference.wav", "half a fi");
  fs::create_directories(dir_ + "/.trash-erin-1-2-3");
  fs::create_directories(dir_ + "/notavoice");
  VoiceLibrary again(Config());
  std::vector<nlohmann::json> after;
  for (const auto& v : again.List()) after.push_back(v.ToJson());
  EXPECT_EQ(after, before);
  EXPECT_EQ(again.Find("carol")->transcript_source, "none");
  EXPECT_FALSE(fs::exists(dir_ + "/.tmp-dave-1-2-3"));
  EXPECT_FALSE(fs::exists(dir_ + "/.trash-erin-1-2-3"));
  EXPECT_TRUE(fs::exists(dir_ + "/notavoice"));  // not ours to delete
}

TEST_F(VoiceLibraryTest, RefusesBadNamesDuplicatesAndOverLimits) {
  VoiceLibraryConfig config = Config();
  config.max_voices = 2;
  VoiceLibrary lib(config);
  for (const char* name : {"../x", "a/b", "", "CON", "caf\xc3\xa9", ".."}) {
    try {
      lib.Add(name, Recording(), std::nullopt);
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "bad_voice_name") << name;
    }
  }
  lib.Add("Alice", Recording(), std::nullopt);
  try {
    lib.Add("alice", Recording(), std::nullopt);  // the same id
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "voice_exists");
  }
  lib.Add("bob", Recording(), std::nullopt);
  try {
    lib.Add("carol", Recording(), std::nullopt);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "library_full");
    EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
  }
  EXPECT_EQ(lib.size(), 2u);
  EXPECT_FALSE(fs::exists(dir_ + "/x"));
  EXPECT_FALSE(fs::exists(fs::path(dir_).parent_path() / "x"));
}

TEST_F(VoiceLibraryTest, UploadLimitsAndUnusableAudioAreRefused) {
  VoiceLibraryConfig config = Config();
  config.max_upload_bytes = 4096;
  VoiceLibrary small(config);
  try {
    small.Add("big", Recording(), std::nullopt);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTooLarge) << e.what();
  }
  config = Config();
  config.max_upload_seconds = 5.0;
  VoiceLibrary short_only(config);
  try {
    short_only.Add("long", Recording(), std::nullopt);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "too_long") << e.what();
  }
  VoiceLibrary lib(Config());
  for (const std::string& bytes : {Wav(test::Silence(5.0)), std::string("not audio at all")}) {
    EXPECT_THROW(lib.Add("quiet", bytes, std::nullopt), Error);
  }
  EXPECT_EQ(lib.size(), 0u);
}

TEST_F(VoiceLibraryTest, AFullDiskLeavesNoHalfWrittenVoice) {
  VoiceLibrary lib(Config());
  lib.Add("first", Recording(), std::nullopt);
  // RLIMIT_FSIZE makes writes past 4 KiB fail (EFBIG), as a full disk would.
  signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  rlimit tiny = old;
  tiny.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  try {
    lib.Add("second", Recording(), std::nullopt);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "storage_failed") << e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  EXPECT_FALSE(lib.Find("second"));
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(dir_)) entries.push_back(e.path().filename());
  EXPECT_EQ(entries, std::vector<std::string>{"first"});
  // The id is free again, and the library still works.
  EXPECT_EQ(lib.Add("second", Recording(), std::nullopt).id, "second");
  EXPECT_EQ(VoiceLibrary(Config()).size(), 2u);
}

}  // namespace
}  // namespace mv
