#include "voice/voice-matcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <thread>

#include "common/error.h"
#include "voice-test-util.h"

namespace mv {
namespace {

// Voices that are steady synthetic vowels: exact F0 and formants, no engine.
class FakeVoicesTts : public Tts {
 public:
  struct Voice {
    double f0;
    double tract_scale;
  };
  explicit FakeVoicesTts(std::map<std::string, Voice> voices) : voices_(std::move(voices)) {}

  void Synthesize(const TtsRequest& request, const CancelToken&,
                  const TtsChunkCallback& on_chunk) override {
    ++calls;
    const auto it = voices_.find(request.voice);
    if (it == voices_.end()) throw Error(ErrorKind::kInvalidInput, "unknown_voice", request.voice);
    const double k = it->second.tract_scale;
    const AudioBuffer a = test::Vowel(it->second.f0, {500.0 * k, 1500.0 * k, 2500.0 * k}, 1.0);
    on_chunk(a.samples.data(), a.samples.size(), a.sample_rate);
  }
  std::vector<std::string> Voices() const override {
    std::vector<std::string> names;
    for (const auto& [name, voice] : voices_) names.push_back(name);
    return names;
  }

  std::atomic<int> calls{0};

 private:
  std::map<std::string, Voice> voices_;
};

FakeVoicesTts::Voice V(double f0, double tract) { return {f0, tract}; }

VoiceMatcherOptions Candidates(std::vector<std::string> names) {
  VoiceMatcherOptions o;
  o.candidates = std::move(names);
  return o;
}

VoiceProfile Caller(double f0, double tract) { return {f0, tract, 2.0}; }

class VoiceMatcherTest : public ::testing::Test {
 protected:
  FakeVoicesTts tts_{{{"low", V(100, 1.0)}, {"mid", V(130, 1.0)}, {"high", V(200, 1.2)}}};
  VoiceMatcher matcher_{tts_, Candidates({"low", "mid", "high"})};
};

TEST_F(VoiceMatcherTest, MeasuresEachBaseVoiceOnceLazily) {
  EXPECT_EQ(tts_.calls, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { EXPECT_EQ(matcher_.Match(Caller(105, 1.0)).voice, "low"); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(tts_.calls, 3);
  matcher_.Calibrate();
  EXPECT_EQ(tts_.calls, 3);
  ASSERT_EQ(matcher_.BaseVoices().size(), 3u);
  EXPECT_NEAR(matcher_.BaseVoices()[2].profile.median_f0, 200.0, 4.0);
  EXPECT_NEAR(matcher_.BaseVoices()[2].profile.vocal_tract_scale, 1.2, 0.06);
}

TEST_F(VoiceMatcherTest, PicksNearestVoiceAndTheShiftOntoTheCallersF0) {
  const VoiceMatch m = matcher_.Match(Caller(105, 1.0));
  EXPECT_EQ(m.voice, "low");
  const double shift = 12.0 * std::log2(105.0 / m.base_f0);
  EXPECT_NEAR(m.pitch_semitones, shift, 1e-9);
  EXPECT_NEAR(m.expected_f0, 105.0, 0.5);
  EXPECT_DOUBLE_EQ(m.target_f0, 105.0);
  EXPECT_FALSE(m.clamped);
  EXPECT_DOUBLE_EQ(m.formant_scale, 1.0);  // formant matching is off by default

  EXPECT_EQ(matcher_.Match(Caller(250, 1.2)).voice, "high");
  EXPECT_EQ(matcher_.Match(Caller(250, 0.0)).voice, "high");  // tract unknown: F0 decides
}

TEST_F(VoiceMatcherTest, VocalTractBreaksF0Ties) {
  // 160 Hz sits between mid (+3.6 st) and high (-3.9 st): the tract decides.
  EXPECT_EQ(matcher_.Match(Caller(160, 1.2)).voice, "high");
  EXPECT_EQ(matcher_.Match(Caller(160, 1.0)).voice, "mid");
}

TEST_F(VoiceMatcherTest, ClampsShiftsToIntelligibleRange) {
  const VoiceMatch high = matcher_.Match(Caller(400, 1.2));
  EXPECT_EQ(high.voice, "high");
  EXPECT_DOUBLE_EQ(high.pitch_semitones, 7.0);
  EXPECT_TRUE(high.clamped);
  EXPECT_NEAR(high.expected_f0, high.base_f0 * std::pow(2.0, 7.0 / 12.0), 1e-9);
  const VoiceMatch low = matcher_.Match(Caller(60, 1.0));
  EXPECT_EQ(low.voice, "low");
  EXPECT_DOUBLE_EQ(low.pitch_semitones, -5.0);
  EXPECT_TRUE(low.clamped);
  EXPECT_NE(low.ToString().find("clamped"), std::string::npos);
}

TEST_F(VoiceMatcherTest, ReachableVoiceBeatsNearerTract) {
  // 330 Hz with a male tract: only "high" gets there within +7 semitones.
  EXPECT_EQ(matcher_.Match(Caller(330, 1.0)).voice, "high");
}

TEST(VoiceMatcher, FormantScaleWhenEnabledIsBounded) {
  FakeVoicesTts tts({{"high", V(200, 1.2)}});
  VoiceMatcherOptions o = Candidates({"high"});
  o.max_formant_change = 0.05;
  VoiceMatcher matcher(tts, o);
  EXPECT_NEAR(matcher.Match(Caller(220, 1.4)).formant_scale, 1.05, 1e-9);
  const double ratio = 1.23 / matcher.BaseVoices()[0].profile.vocal_tract_scale;
  EXPECT_NEAR(matcher.Match(Caller(220, 1.23)).formant_scale, std::clamp(ratio, 1 / 1.05, 1.05),
              1e-9);
}

TEST(VoiceMatcher, SkipsVoicesTheEngineRefusesButNeedsOne) {
  FakeVoicesTts tts({{"low", V(100, 1.0)}});
  VoiceMatcher some(tts, Candidates({"nope", "low"}));
  EXPECT_EQ(some.Match(Caller(110, 1.0)).voice, "low");
  EXPECT_EQ(some.BaseVoices().size(), 1u);

  VoiceMatcher none(tts, Candidates({"nope"}));
  try {
    none.Match(Caller(110, 1.0));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "no_base_voice");
  }
}

TEST(VoiceMatcher, RejectsUnknownCallerF0AndBadOptions) {
  FakeVoicesTts tts({{"low", V(100, 1.0)}});
  VoiceMatcher matcher(tts, Candidates({"low"}));
  EXPECT_THROW(matcher.Match(Caller(0, 1.0)), Error);
  VoiceMatcherOptions o;
  o.max_shift_up = -1;
  EXPECT_THROW(VoiceMatcher(tts, o), Error);
}

TEST(VoiceMatcher, DefaultCandidates) {
  const std::vector<std::string> router = {"slt", "rms", "awb", "kal16", "kal", "cmn", "de", "en"};
  using V = std::vector<std::string>;
  EXPECT_EQ(VoiceMatcher::DefaultCandidates(router, "en"), (V{"slt", "rms", "awb", "kal16"}));
  EXPECT_EQ(VoiceMatcher::DefaultCandidates(router, "english"), (V{"slt", "rms", "awb", "kal16"}));
  const V cmn = VoiceMatcher::DefaultCandidates(router, "zh-CN");
  ASSERT_GE(cmn.size(), 4u);
  EXPECT_EQ(cmn[0], "cmn");
  EXPECT_EQ(cmn[1], "cmn+m1");
  EXPECT_EQ(VoiceMatcher::DefaultCandidates(router, "chinese")[0], "cmn");
  EXPECT_EQ(VoiceMatcher::DefaultCandidates(router, "de-AT")[0], "de");
  EXPECT_EQ(VoiceMatcher::DefaultCandidates({"cmn", "en"}, "en")[2], "en+m3");  // espeak-only
  EXPECT_EQ(VoiceMatcher::DefaultCandidates(router, "xx"), V{""});
  EXPECT_EQ(VoiceMatcher::DefaultCandidates({"slt", "rms"}, "zh"), V{""});
}

}  // namespace
}  // namespace mv
