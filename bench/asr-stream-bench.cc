// Streaming vs batch recognition with embedded pocketsphinx: how long after
// the end of a user turn its final words are ready. Each turn is a flite
// question of about 3 s (slt), shaped as server VAD hands it over: 300 ms of
// prefix, the speech, 500 ms of silence. Batch (asr.streaming false, and
// every engine before AsrStream): the whole turn is decoded once it ended.
// Streaming: the turn arrives in 40 ms chunks at real-time pace and is
// decoded as it comes (PocketsphinxStream); the clock starts when the last
// chunk is due, so a decoder that fell behind pays for it. Same turns, same
// engine, one run; the ratio is the result, not the bare milliseconds.
//
//   asr-stream-bench [--turns N]   (default 12)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "asr/asr-pocketsphinx.h"
#include "asr/pocketsphinx-stream.h"
#include "support/test-sentences.h"
#include "support/tts-request.h"
#include "support/wer.h"
#include "tts/tts-flite.h"

namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;
constexpr int kRate = 16000;
constexpr std::size_t kChunk = kRate * 40 / 1000;

struct TurnAudio {
  std::string reference;
  std::vector<float> samples;
  double speech_seconds = 0;
};

std::vector<float> Trimmed(const mv::AudioBuffer& audio) {
  auto loud = [](float s) { return std::abs(s) > 0.01f; };
  auto first = std::find_if(audio.samples.begin(), audio.samples.end(), loud);
  auto last = std::find_if(audio.samples.rbegin(), audio.samples.rend(), loud).base();
  return {first, std::max(first, last)};
}

// Questions of about 3 s: a sentence, or two when the first is short.
std::vector<TurnAudio> MakeTurns(mv::TtsFlite& flite, std::size_t count) {
  std::vector<TurnAudio> turns;
  const auto& sentences = mv::test::kAssistantSentences;
  for (std::size_t i = 0; turns.size() < count; ++i) {
    TurnAudio t;
    std::vector<float> speech;
    for (std::size_t k = i; speech.size() < 2.6 * kRate; ++k) {
      const char* sentence = sentences[k % sentences.size()];
      const std::vector<float> part =
          Trimmed(flite.SynthesizeAll(mv::test::Req(sentence, "en", "slt")));
      if (!speech.empty()) speech.insert(speech.end(), kRate / 5, 0.0f);
      speech.insert(speech.end(), part.begin(), part.end());
      t.reference += (t.reference.empty() ? "" : " ") + std::string(sentence);
    }
    t.speech_seconds = static_cast<double>(speech.size()) / kRate;
    t.samples.assign(kRate * 3 / 10, 0.0f);
    t.samples.insert(t.samples.end(), speech.begin(), speech.end());
    t.samples.insert(t.samples.end(), kRate / 2, 0.0f);
    turns.push_back(std::move(t));
  }
  return turns;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 12;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--turns") == 0) count = std::strtoul(argv[++i], nullptr, 10);
  std::srand(1);  // flite's clustergen voices draw noise from rand()
  mv::TtsConfig tts_config;
  tts_config.engine = "flite";
  mv::TtsFlite flite(tts_config);
  mv::AsrConfig asr_config;
  asr_config.pool_size = 1;
  mv::AsrPocketsphinx asr(asr_config);
  const std::vector<TurnAudio> turns = MakeTurns(flite, count);

  std::vector<double> batch_ms, stream_ms, behind_ms;
  std::size_t batch_edits = 0, stream_edits = 0, words = 0, live = 0;
  double speech = 0;
  for (const TurnAudio& t : turns) {
    speech += t.speech_seconds;
    const mv::AudioBuffer whole{t.samples, kRate};
    const auto batch_start = Clock::now();
    const std::string batch_text = asr.Transcribe(whole, {}).text;
    batch_ms.push_back(Ms(Clock::now() - batch_start).count());

    std::unique_ptr<mv::AsrStream> stream = asr.OpenStream("en");
    const auto start = Clock::now();
    std::size_t chunks = 0;
    double worst = 0;
    for (std::size_t at = 0; at < t.samples.size(); at += kChunk, ++chunks) {
      const auto due = start + std::chrono::milliseconds(40 * (chunks + 1));
      std::this_thread::sleep_until(due);  // the chunk has been spoken
      stream->Accept(t.samples.data() + at, std::min(kChunk, t.samples.size() - at), {});
      worst = std::max(worst, Ms(Clock::now() - due).count());
    }
    const auto end_of_turn = start + std::chrono::milliseconds(40 * chunks);
    live += static_cast<mv::PocketsphinxStream&>(*stream).decoding_live();
    const std::string stream_text = stream->Finish({}).text;
    stream_ms.push_back(Ms(Clock::now() - end_of_turn).count());
    behind_ms.push_back(worst);

    words += mv::NormalizeWords(t.reference).size();
    batch_edits += mv::WordEditDistance(t.reference, batch_text);
    stream_edits += mv::WordEditDistance(t.reference, stream_text);
  }
  const double b50 = Percentile(batch_ms, 0.5), s50 = Percentile(stream_ms, 0.5);
  std::printf("asr-stream-bench: %zu turns of %.1f s of speech on average (+0.3 s prefix, +0.5 s "
              "silence), pocketsphinx, one decoder\n",
              turns.size(), speech / turns.size());
  std::printf("end of turn -> final words   p50 %7.1f ms   p90 %7.1f ms   max %7.1f ms  (batch)\n",
              b50, Percentile(batch_ms, 0.9), Percentile(batch_ms, 1.0));
  std::printf("                             p50 %7.1f ms   p90 %7.1f ms   max %7.1f ms  (streaming)\n",
              s50, Percentile(stream_ms, 0.9), Percentile(stream_ms, 1.0));
  std::printf("streaming is %.1fx sooner (p50); saved %.0f ms per turn; decoded live %zu/%zu; "
              "worst lag behind the audio while speaking p50 %.1f ms\n",
              s50 > 0 ? b50 / s50 : 0.0, b50 - s50, live, turns.size(), Percentile(behind_ms, 0.5));
  std::printf("WER batch %.1f%%, streaming %.1f%% (%zu words)\n", 100.0 * batch_edits / words,
              100.0 * stream_edits / words, words);
  return live == turns.size() ? 0 : 2;
}
