#include <gtest/gtest.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include "asr/asr-pocketsphinx.h"
#include "audio/resampler.h"
#include "support/test-sentences.h"
#include "support/wer.h"
#include "tts/tts-router.h"
#include "tts/tts-flite.h"
#include "voice/voice-profile.h"
#include "voice/voice-shifter.h"

namespace mv {
namespace {
using Clock = std::chrono::steady_clock;
double Ms(Clock::time_point a) { return std::chrono::duration<double, std::milli>(Clock::now() - a).count(); }

TtsRouter& Router() { static TtsRouter r([] { TtsConfig c; return c; }()); return r; }
AsrPocketsphinx& Asr() { static AsrPocketsphinx a([] { AsrConfig c; c.pool_size = 2; return c; }()); return a; }

const char* kText = "The quick brown fox jumps over the lazy dog while the band plays softly in the park.";

TEST(Explore, Voices) {
  std::vector<std::string> voices = {"slt", "rms", "awb", "kal16", "kal", "en", "en+m1", "en+m3", "en+m7", "en+f1", "en+f2", "en+f3", "en+f4", "en+f5"};
  for (auto& v : voices) {
    auto t0 = Clock::now();
    AudioBuffer a = Router().SynthesizeAll({kText, "en", v, nullptr});
    double synth = Ms(t0);
    t0 = Clock::now();
    VoiceProfile p = EstimateVoiceProfile(a);
    double prof = Ms(t0);
    std::printf("%-8s rate=%d dur=%.2f synth=%.0fms prof=%.0fms %s\n", v.c_str(), a.sample_rate, a.DurationSeconds(), synth, prof, p.ToString().c_str());
  }
}

TEST(Explore, ShiftWer) {
  for (std::string v : {"slt", "rms", "awb", "kal16"}) {
    for (double st : {-8.0, -6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0}) {
      size_t edits = 0, words = 0;
      double f0 = 0, base = 0, vts = 0;
      double shift_ms = 0;
      for (int i = 0; i < 6; ++i) {
        const char* s = test::kAssistantSentences[i];
        AudioBuffer a = Router().SynthesizeAll({s, "en", v, nullptr});
        auto t0 = Clock::now();
        AudioBuffer b = ShiftVoice(a, st);
        shift_ms += Ms(t0);
        std::string hyp = Asr().Transcribe(b, {}).text;
        edits += WordEditDistance(s, hyp);
        words += NormalizeWords(s).size();
        auto pb = EstimateVoiceProfile(b);
        auto pa = EstimateVoiceProfile(a);
        f0 += pb.median_f0 / 6; base += pa.median_f0 / 6; vts += pb.vocal_tract_scale / 6;
      }
      std::printf("%-6s st=%+.0f base=%.1f shifted=%.1f expect=%.1f vts=%.3f WER=%.3f shift=%.0fms\n", v.c_str(), st, base, f0, base * std::pow(2, st / 12), vts, double(edits) / words, shift_ms);
    }
  }
}
}  // namespace
}  // namespace mv
#include <rubberband/RubberBandStretcher.h>
namespace mv { namespace {
using RubberBand::RubberBandStretcher;
double RunRb(const AudioBuffer& a, RubberBandStretcher::Options extra, bool rt) {
  auto t0 = Clock::now();
  RubberBandStretcher::Options o = (rt ? RubberBandStretcher::OptionProcessRealTime : 0) | RubberBandStretcher::OptionFormantPreserved | RubberBandStretcher::OptionPitchHighQuality | RubberBandStretcher::OptionThreadingNever | extra;
  RubberBandStretcher s(a.sample_rate, 1, o, 1.0, std::pow(2.0, 4 / 12.0));
  s.setMaxProcessSize(1024);
  std::vector<float> buf(4096);
  const size_t n = a.samples.size();
  if (!rt) { s.setExpectedInputDuration(n); const float* c = a.samples.data(); s.study(&c, n, true); }
  for (size_t at = 0; at < n; at += 1024) {
    const float* c = a.samples.data() + at;
    s.process(&c, std::min<size_t>(1024, n - at), at + 1024 >= n);
    while (s.available() > 0) { float* o2 = buf.data(); s.retrieve(&o2, std::min<size_t>(s.available(), 4096)); }
  }
  std::printf("  delay=%zu pad=%zu ", s.getStartDelay(), s.getPreferredStartPad());
  return Ms(t0);
}
TEST(Explore, RbCost) {
  AudioBuffer a = Router().SynthesizeAll({kText, "en", "slt", nullptr});
  std::printf("audio %.2fs\n", a.DurationSeconds());
  for (int rep = 0; rep < 2; ++rep) {
  std::printf("R3 rt std %.0fms\n", RunRb(a, RubberBandStretcher::OptionEngineFiner, true));
  std::printf("R3 rt short %.0fms\n", RunRb(a, RubberBandStretcher::OptionEngineFiner | RubberBandStretcher::OptionWindowShort, true));
  std::printf("R3 off std %.0fms\n", RunRb(a, RubberBandStretcher::OptionEngineFiner, false));
  std::printf("R2 rt %.0fms\n", RunRb(a, 0, true));
  std::printf("R2 off %.0fms\n", RunRb(a, 0, false));
  }
}
}}
namespace mv { namespace {
TEST(Explore, Formant) {
  for (std::string v : {"slt", "rms"}) {
    for (double fs : {0.85, 0.92, 1.0, 1.08, 1.15}) {
      size_t edits = 0, words = 0; double vts = 0, base = 0;
      for (int i = 0; i < 6; ++i) {
        const char* s = test::kAssistantSentences[i];
        AudioBuffer a = Router().SynthesizeAll({s, "en", v, nullptr});
        AudioBuffer b = ShiftVoice(a, 2.0, fs);
        edits += WordEditDistance(s, Asr().Transcribe(b, {}).text); words += NormalizeWords(s).size();
        vts += EstimateVoiceProfile(b).vocal_tract_scale / 6; base += EstimateVoiceProfile(a).vocal_tract_scale / 6;
      }
      std::printf("%s fs=%.2f vts %.3f -> %.3f (ratio %.3f) WER=%.3f\n", v.c_str(), fs, base, vts, vts / base, double(edits) / words);
    }
  }
}
TEST(Explore, Cmn) {
  for (std::string v : {"cmn", "cmn+m1", "cmn+m3", "cmn+m7", "cmn+f1", "cmn+f2", "cmn+f3", "cmn+f4", "cmn+f5", "en+m2", "en+m4", "en+m5", "en+m6", "en+m8"}) {
    AudioBuffer a = Router().SynthesizeAll({"今天天气很好，我们一起去公园散步吧。", "zh", v, nullptr});
    std::printf("%-8s %s\n", v.c_str(), EstimateVoiceProfile(a).ToString().c_str());
  }
}
}}
namespace mv { namespace {
TEST(Explore, Kal) {
  for (std::string v : {"kal16", "rms", "awb", "slt"}) {
    size_t edits = 0, words = 0;
    for (int i = 0; i < 12; ++i) {
      const char* s = test::kAssistantSentences[i];
      AudioBuffer a = Router().SynthesizeAll({s, "en", v, nullptr});
      edits += WordEditDistance(s, Asr().Transcribe(a, {}).text); words += NormalizeWords(s).size();
      try { auto p = EstimateVoiceProfile(a); std::printf("%s %.1f %.2f | ", v.c_str(), p.median_f0, p.vocal_tract_scale);} catch (const std::exception& e) { std::printf("%s: %s\n", s, e.what()); }
    }
    std::printf("\n%s WER=%.3f\n", v.c_str(), double(edits) / words);
  }
}
}}
