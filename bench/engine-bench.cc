// Embedded engine speed: ASR and TTS real-time factors (processing time /
// audio duration; below 1 is faster than real time) and TTS time to first
// audio for a short sentence. RTF is given for wall-clock time and for CPU
// time: on a busy machine the wall figure drifts, the CPU one much less.
// Usage: engine-bench [runs]   (runs per time-to-first-audio figure, default 21)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "asr/asr-pocketsphinx.h"
#include "support/test-sentences.h"
#include "support/tts-request.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"

namespace {

using Clock = std::chrono::steady_clock;

// Wall and process CPU time since construction (the bench is single-threaded).
class Stopwatch {
 public:
  double WallSeconds() const { return std::chrono::duration<double>(Clock::now() - wall_).count(); }
  double CpuSeconds() const { return static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC; }

 private:
  Clock::time_point wall_ = Clock::now();
  std::clock_t cpu_ = std::clock();
};

struct Rtf {
  double wall = 0, cpu = 0, audio = 0;
  void Add(const Stopwatch& w, double audio_seconds) {
    wall += w.WallSeconds();
    cpu += w.CpuSeconds();
    audio += audio_seconds;
  }
};

const std::vector<std::string> kChineseSentences = {
    "你好，今天天气很好。", "请把客厅的灯打开。",   "明天早上七点叫我起床。",
    "给我讲一个笑话吧。",   "现在北京时间几点了？", "帮我把牛奶加到购物清单里。",
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

void MeasureTts(const char* label, mv::Tts& tts, const std::vector<std::string>& sentences,
                const std::string& short_sentence, const std::string& language,
                const std::string& voice, int runs) {
  Rtf rtf;
  for (const std::string& s : sentences) {
    Stopwatch w;
    const mv::AudioBuffer audio = tts.SynthesizeAll(mv::test::Req(s, language, voice));
    rtf.Add(w, audio.DurationSeconds());
  }
  std::vector<double> first_ms, total_ms;
  for (int i = 0; i < runs; ++i) {
    Stopwatch w;
    double first = -1;
    tts.Synthesize(mv::test::Req(short_sentence, language, voice), {},
                   [&](const float*, std::size_t, int) {
                     if (first < 0) first = w.WallSeconds() * 1e3;
                     return true;
                   });
    total_ms.push_back(w.WallSeconds() * 1e3);
    first_ms.push_back(first);
  }
  std::printf("  %-18s %8.4f %8.4f %10.2f %10.2f %10.2f\n", label, rtf.wall / rtf.audio,
              rtf.cpu / rtf.audio, Percentile(first_ms, 0.5), Percentile(first_ms, 0.9),
              Percentile(total_ms, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 21;
  std::printf("cores: %u\n\n", std::thread::hardware_concurrency());

  mv::TtsConfig flite_config;
  flite_config.engine = "flite";
  mv::TtsFlite flite(flite_config);
  const std::vector<std::string> english(mv::test::kAssistantSentences.begin(),
                                         mv::test::kAssistantSentences.end());

  // ASR: one decoder, sentences one after another.
  mv::AsrConfig asr_config;
  asr_config.pool_size = 1;
  Stopwatch load;
  mv::AsrPocketsphinx asr(asr_config);
  const double load_s = load.WallSeconds();
  std::printf("%-30s %8s %8s %8s\n", "ASR pocketsphinx en-us", "RTF", "cpu RTF", "audio s");
  Rtf all;
  for (const std::string voice : {"slt", "rms", "awb", "kal16"}) {
    Rtf rtf;
    for (const std::string& s : english) {
      const mv::AudioBuffer audio = flite.SynthesizeAll(mv::test::Req(s, "en", voice));
      Stopwatch w;
      asr.Transcribe(audio, {});
      rtf.Add(w, audio.DurationSeconds());
      all.Add(w, 0);
    }
    all.audio += rtf.audio;
    std::printf("  speech by flite %-13s %8.3f %8.3f %8.1f\n", voice.c_str(), rtf.wall / rtf.audio,
                rtf.cpu / rtf.audio, rtf.audio);
  }
  std::printf("  %-28s %8.3f %8.3f %8.1f\n", "all", all.wall / all.audio, all.cpu / all.audio,
              all.audio);
  std::printf("  model load (one decoder): %.2f s\n\n", load_s);

  std::printf("%-20s %8s %8s %10s %10s %10s\n", "TTS", "RTF", "cpu RTF", "first p50", "first p90",
              "total p50");
  for (const std::string& voice : mv::TtsFlite::KnownVoices()) {
    MeasureTts(("flite " + voice).c_str(), flite, english, "tell me a joke", "en", voice, runs);
  }
  mv::TtsConfig espeak_config;
  espeak_config.engine = "espeak";
  espeak_config.language = "zh";
  mv::TtsEspeak espeak(espeak_config);
  MeasureTts("espeak-ng cmn", espeak, kChineseSentences, "你好。", "zh", "cmn", runs);
  std::printf(
      "\nfirst/total: ms to the first audio chunk / to the end, short sentence ('tell me a joke', "
      "'你好。'), %d runs; RTF over %zu English / %zu Chinese sentences\n",
      runs, english.size(), kChineseSentences.size());
  return 0;
}
