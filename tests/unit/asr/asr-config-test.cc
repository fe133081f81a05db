#include "asr/asr-config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "asr/asr-pocketsphinx.h"
#include "asr/asr.h"
#include "common/error.h"

namespace mv {
namespace {

using ::testing::HasSubstr;

// Runs `fn`, expecting an mv::Error of `kind`; returns its message.
template <typename Fn>
std::string ErrorMessage(Fn fn, ErrorKind kind) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no mv::Error thrown";
  return "";
}

TEST(AsrConfig, DefaultsAreValid) {
  AsrConfig config;
  EXPECT_NO_THROW(config.Validate());
  EXPECT_THAT(config.ToString(), HasSubstr("engine=pocketsphinx"));
  EXPECT_THAT(config.ToString(), HasSubstr("pool_size=2"));
  EXPECT_THAT(config.ToString(), HasSubstr(config.model_dir));
}

TEST(AsrConfig, MessagesNameTheKey) {
  AsrConfig config;
  config.pool_size = 0;
  EXPECT_THAT(ErrorMessage([&] { config.Validate(); }, ErrorKind::kInvalidInput),
              HasSubstr("asr.pool_size: must be between 1 and 64"));
  config.pool_size = 65;
  EXPECT_THAT(ErrorMessage([&] { config.Validate(); }, ErrorKind::kInvalidInput),
              HasSubstr("asr.pool_size: must be between 1 and 64"));
  config = {};
  config.language = "";
  EXPECT_THAT(ErrorMessage([&] { config.Validate(); }, ErrorKind::kInvalidInput),
              HasSubstr("asr.language"));
  config = {};
  config.model_dir = "";
  EXPECT_THAT(ErrorMessage([&] { config.Validate(); }, ErrorKind::kInvalidInput),
              HasSubstr("asr.model_dir"));
}

TEST(AsrFactory, UnknownEngine) {
  AsrConfig config;
  config.engine = "x";
  EXPECT_EQ(ErrorMessage([&] { CreateAsr(config); }, ErrorKind::kInvalidInput),
            "asr.engine: unknown engine 'x' (known: pocketsphinx, funasr, wenet, "
            "openai-transcriptions, whisper-server)");
}

TEST(AsrFactory, CreatesPocketsphinx) {
  AsrConfig config;
  config.pool_size = 1;
  std::unique_ptr<Asr> asr = CreateAsr(config);
  ASSERT_NE(dynamic_cast<AsrPocketsphinx*>(asr.get()), nullptr);
  EXPECT_EQ(asr->SampleRate(), 16000);
}

TEST(AsrPocketsphinx, NonEnglishIsUnsupported) {
  AsrConfig config;
  config.language = "zh";
  EXPECT_THAT(ErrorMessage([&] { AsrPocketsphinx asr(config); }, ErrorKind::kUnsupported),
              HasSubstr("English only (got 'zh')"));
}

TEST(AsrPocketsphinx, MissingModelIsUnavailableAndNamesThePath) {
  AsrConfig config;
  config.model_dir = "/nonexistent/pocketsphinx-model";
  EXPECT_THAT(ErrorMessage([&] { AsrPocketsphinx asr(config); }, ErrorKind::kUnavailable),
              HasSubstr("/nonexistent/pocketsphinx-model"));
}

}  // namespace
}  // namespace mv
