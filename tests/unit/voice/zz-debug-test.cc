#include <gtest/gtest.h>
#include <rubberband/RubberBandStretcher.h>
#include <cmath>
#include <cstdio>
#include "support/wer.h"
#include "voice-test-util.h"
namespace mv { namespace {
using RubberBand::RubberBandStretcher;
const std::vector<std::string> kAnswer = {
    "The weather this afternoon will be sunny and warm.", "There is a light wind from the west.",
    "You will not need an umbrella today.", "Tonight it will be cooler, so take a jacket if you go out.",
    "Tomorrow morning there may be some rain.", "The shops in the city center are open until nine.",
    "I can remind you again before you leave the house.",
    "please turn on the lights in the kitchen", "what is the weather like today", "set an alarm for seven in the morning", "play some music in the living room", "how long does it take to drive to the airport", "remind me to call my mother tomorrow",
};
AudioBuffer Rb(const AudioBuffer& a, double st, RubberBandStretcher::Options extra, bool rt) {
  RubberBandStretcher::Options o = (rt ? RubberBandStretcher::OptionProcessRealTime : 0) | RubberBandStretcher::OptionThreadingNever | extra;
  RubberBandStretcher s(a.sample_rate, 1, o, 1.0, std::pow(2.0, st / 12.0));
  s.setMaxProcessSize(1024);
  std::vector<float> in = a.samples; size_t pad = s.getPreferredStartPad(), delay = s.getStartDelay();
  in.insert(in.begin(), pad, 0.f); in.insert(in.end(), 16000, 0.f);
  std::vector<float> buf(4096), out;
  const size_t n = in.size();
  if (!rt) { s.setExpectedInputDuration(n); const float* c = in.data(); s.study(&c, n, true); }
  for (size_t at = 0; at < n; at += 1024) {
    const float* c = in.data() + at;
    s.process(&c, std::min<size_t>(1024, n - at), at + 1024 >= n);
    while (s.available() > 0) { float* o2 = buf.data(); size_t g = s.retrieve(&o2, std::min<size_t>(s.available(), 4096)); out.insert(out.end(), buf.begin(), buf.begin() + g); }
  }
  AudioBuffer r; r.sample_rate = a.sample_rate; r.samples.assign(out.begin() + std::min(out.size(), delay + (rt ? 0 : pad)), out.end()); r.samples.resize(a.samples.size()); return r;
}
TEST(Debug, Engines) {
  struct M { const char* name; RubberBandStretcher::Options o; bool rt; };
  const RubberBandStretcher::Options F = RubberBandStretcher::OptionFormantPreserved;
  std::vector<M> ms = {{"R3 rt", RubberBandStretcher::OptionEngineFiner | F, true}, {"R3 rt short", RubberBandStretcher::OptionEngineFiner | RubberBandStretcher::OptionWindowShort | F, true}, {"R3 off", RubberBandStretcher::OptionEngineFiner | F, false},
    {"R2 rt HQ", RubberBandStretcher::OptionPitchHighQuality | F, true}, {"R2 rt HQ smooth", RubberBandStretcher::OptionPitchHighQuality | RubberBandStretcher::OptionTransientsSmooth | F, true}, {"R2 off", F, false}, {"R3 rt noformant", RubberBandStretcher::OptionEngineFiner, true}};
  for (auto [v, st] : std::vector<std::pair<std::string, double>>{{"slt", 0}, {"slt", 5.8}, {"rms", -3}, {"slt", -4}}) {
    std::vector<AudioBuffer> base; for (auto& s : kAnswer) base.push_back(test::Speak(test::Flite(), s, v));
    for (auto& m : ms) {
      size_t e = 0, w = 0;
      for (size_t i = 0; i < kAnswer.size(); ++i) { e += WordEditDistance(kAnswer[i], test::SharedAsr().Transcribe(st == 0 ? base[i] : Rb(base[i], st, m.o, m.rt), {}).text); w += NormalizeWords(kAnswer[i]).size(); }
      std::printf("%s %+.1f %-16s WER %.3f\n", v.c_str(), st, m.name, double(e) / w);
      if (st == 0) break;
    }
  }
}
}}
