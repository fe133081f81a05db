// Embedded engine speed: ASR and TTS real-time factors (processing time /
// audio duration, lower is faster) and TTS time to first audio.
// Usage: engine-bench [runs]   (runs per time-to-first-audio figure, default 21)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../tests/support/test-sentences.h"
#include "../tests/support/tts-request.h"
#include "asr/asr-pocketsphinx.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

const std::vector<std::string> kChineseSentences = {
    "你好，今天天气很好。", "请把客厅的灯打开。",   "明天早上七点叫我起床。",
    "给我讲一个笑话吧。",   "现在北京时间几点了？", "帮我把牛奶加到购物清单里。",
};

struct TtsFigures {
  double rtf;
  double first_audio_p50_ms;
  double first_audio_p90_ms;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

TtsFigures MeasureTts(mv::Tts& tts, const std::vector<std::string>& sentences,
                      const std::string& short_sentence, const std::string& language,
                      const std::string& voice, int runs) {
  double busy = 0, audio = 0;
  for (const std::string& s : sentences) {
    const auto start = Clock::now();
    mv::AudioBuffer buffer = tts.SynthesizeAll(mv::test::Req(s, language, voice));
    busy += Seconds(start);
    audio += buffer.DurationSeconds();
  }
  std::vector<double> first_ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    double first = -1;
    tts.Synthesize(mv::test::Req(short_sentence, language, voice), {},
                   [&](const float*, std::size_t, int) {
                     if (first < 0) first = Seconds(start) * 1e3;
                     return true;
                   });
    first_ms.push_back(first);
  }
  return {busy / audio, Percentile(first_ms, 0.5), Percentile(first_ms, 0.9)};
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
  auto load_start = Clock::now();
  mv::AsrPocketsphinx asr(asr_config);
  const double load_s = Seconds(load_start);
  std::printf("%-28s %8s %10s\n", "ASR pocketsphinx (en-us)", "RTF", "audio s");
  for (const std::string voice : {"slt", "rms", "awb", "kal16"}) {
    double busy = 0, audio = 0;
    for (const std::string& s : english) {
      mv::AudioBuffer buffer = flite.SynthesizeAll(mv::test::Req(s, "en", voice));
      const auto start = Clock::now();
      asr.Transcribe(buffer, {});
      busy += Seconds(start);
      audio += buffer.DurationSeconds();
    }
    std::printf("  speech by flite %-11s %8.3f %10.1f\n", voice.c_str(), busy / audio, audio);
  }
  std::printf("  model load (one decoder): %.2f s\n\n", load_s);

  std::printf("%-28s %8s %18s %18s\n", "TTS", "RTF", "first audio p50 ms", "first audio p90 ms");
  for (const std::string& voice : mv::TtsFlite::KnownVoices()) {
    const TtsFigures f = MeasureTts(flite, english, "tell me a joke", "en", voice, runs);
    std::printf("  flite %-20s %8.4f %18.2f %18.2f\n", voice.c_str(), f.rtf, f.first_audio_p50_ms,
                f.first_audio_p90_ms);
  }
  mv::TtsConfig espeak_config;
  espeak_config.engine = "espeak";
  espeak_config.language = "zh";
  mv::TtsEspeak espeak(espeak_config);
  const TtsFigures f = MeasureTts(espeak, kChineseSentences, "你好。", "zh", "cmn", runs);
  std::printf("  espeak-ng %-16s %8.4f %18.2f %18.2f\n", "cmn", f.rtf, f.first_audio_p50_ms,
              f.first_audio_p90_ms);
  std::printf("\n(time to first audio: short sentence, %d runs; RTF over %zu sentences)\n", runs,
              english.size());
  return 0;
}
