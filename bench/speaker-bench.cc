// Embedded speaker encoder: equal error rate (EER) and time to score one
// utterance, on the test speaker set (tests/support/speaker-set.h: flite's
// slt/rms/awb/kal16 as enrolled speakers; espeak-ng voices and pitch-shifted
// copies of the targets as impostors; enrolment and test sentences differ),
// and on real recordings when Debian's codec2-examples is installed
// (/usr/share/codec2: one file per talker, cut into 3 s pieces).
//
// Usage: speaker-bench [utterances per voice, default 8] [min voiced seconds, default 1.0]
// MV_SPK_OPTS="mean,spread,pitch,tolerance,d0" overrides the scoring
// weights (for calibration runs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../tests/support/speaker-set.h"
#include "audio/audio-decoder.h"
#include "common/error.h"
#include "voice/speaker-encoder-embedded.h"

namespace {

using Clock = std::chrono::steady_clock;
using mv::test::TestVoice;

struct Eer {
  double eer = 0, threshold = 0;
  double far_at_default = 0, frr_at_default = 0;
};

Eer ComputeEer(std::vector<double> targets, std::vector<double> impostors, double default_thr) {
  Eer out;
  std::vector<double> thresholds = targets;
  thresholds.insert(thresholds.end(), impostors.begin(), impostors.end());
  std::sort(thresholds.begin(), thresholds.end());
  auto rates = [&](double thr, double& far, double& frr) {
    frr = static_cast<double>(
              std::count_if(targets.begin(), targets.end(), [&](double s) { return s < thr; })) /
          targets.size();
    far = static_cast<double>(std::count_if(impostors.begin(), impostors.end(),
                                            [&](double s) { return s >= thr; })) /
          impostors.size();
  };
  double best_gap = 2.0;
  for (double thr : thresholds) {
    double far, frr;
    rates(thr, far, frr);
    if (std::abs(far - frr) < best_gap) {
      best_gap = std::abs(far - frr);
      out.eer = 0.5 * (far + frr);
      out.threshold = thr;
    }
  }
  // Perfect separation: the EER is 0 anywhere between the two sets.
  const double lowest_target = *std::min_element(targets.begin(), targets.end());
  const double highest_impostor = *std::max_element(impostors.begin(), impostors.end());
  if (lowest_target > highest_impostor) {
    out.eer = 0.0;
    out.threshold = 0.5 * (lowest_target + highest_impostor);
  }
  rates(default_thr, out.far_at_default, out.frr_at_default);
  return out;
}

void PrintEer(const char* label, const std::vector<double>& t, const std::vector<double>& i,
              double default_thr) {
  const Eer e = ComputeEer(t, i, default_thr);
  std::printf(
      "%s: EER %.1f%% at threshold %.3f (%zu target, %zu impostor trials); at the default %.2f: "
      "false accept %.1f%%, false reject %.1f%%; target scores %.2f..%.2f, impostor %.2f..%.2f\n",
      label, 100 * e.eer, e.threshold, t.size(), i.size(), default_thr, 100 * e.far_at_default,
      100 * e.frr_at_default, *std::min_element(t.begin(), t.end()),
      *std::max_element(t.begin(), t.end()), *std::min_element(i.begin(), i.end()),
      *std::max_element(i.begin(), i.end()));
}

mv::EmbeddedSpeakerOptions OptionsFromEnv() {
  mv::EmbeddedSpeakerOptions o;
  if (const char* s = std::getenv("MV_SPK_OPTS")) {
    std::sscanf(s, "%lf,%lf,%lf,%lf,%lf", &o.mean_weight, &o.spread_weight, &o.pitch_weight,
                &o.pitch_tolerance, &o.d0);
  }
  return o;
}

struct Utterance {
  std::string voice;
  std::vector<float> embedding;
};

void SyntheticSet(const mv::SpeakerEncoderEmbedded& encoder, int per_voice) {
  const auto& sentences = mv::test::kAssistantSentences;
  std::map<std::string, std::vector<float>> enrolled;
  for (const TestVoice& v : mv::test::TargetVoices())
    enrolled[v.name] = encoder.Embed(mv::test::EnrolAudio(v)).values;

  std::vector<Utterance> tests;
  double embed_ms = 0, audio_s = 0;
  int embedded = 0, too_short = 0;
  auto add = [&](const TestVoice& v) {
    for (int k = 0; k < per_voice; ++k) {
      mv::AudioBuffer audio = mv::test::SpeakAs(v, sentences[k % sentences.size()]);
      const auto t0 = Clock::now();
      try {
        tests.push_back({v.name, encoder.Embed(audio).values});
      } catch (const mv::Error& e) {
        ++too_short;
        continue;
      }
      embed_ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      audio_s += audio.DurationSeconds();
      ++embedded;
    }
  };
  for (const TestVoice& v : mv::test::TargetVoices()) add(v);
  for (const TestVoice& v : mv::test::ImpostorVoices()) add(v);

  std::vector<double> target, impostor, impostor_other, impostor_espeak, impostor_shifted;
  int identified = 0, target_utterances = 0;
  for (const Utterance& u : tests) {
    std::string best;
    double best_score = -1;
    for (const auto& [name, e] : enrolled) {
      const double s = encoder.Score(u.embedding, e);
      if (s > best_score) best_score = s, best = name;
      if (name == u.voice) {
        target.push_back(s);
        continue;
      }
      impostor.push_back(s);
      if (enrolled.count(u.voice)) {
        impostor_other.push_back(s);
      } else if (u.voice.rfind("espeak:", 0) == 0) {
        impostor_espeak.push_back(s);
      } else {
        impostor_shifted.push_back(s);
      }
    }
    if (enrolled.count(u.voice)) {
      ++target_utterances;
      identified += best == u.voice && best_score >= encoder.DefaultThreshold();
    }
  }
  std::printf(
      "test set: %zu enrolled speakers, %zu impostor voices, %d utterances per voice "
      "(%d not scored: not enough speech)\n",
      enrolled.size(), mv::test::ImpostorVoices().size(), per_voice, too_short);
  PrintEer("all impostors      ", target, impostor, encoder.DefaultThreshold());
  PrintEer("  other targets    ", target, impostor_other, encoder.DefaultThreshold());
  PrintEer("  espeak-ng voices ", target, impostor_espeak, encoder.DefaultThreshold());
  PrintEer("  pitch-shifted    ", target, impostor_shifted, encoder.DefaultThreshold());
  std::printf("identification among %zu: %d/%d utterances named right (at the default threshold)\n",
              enrolled.size(), identified, target_utterances);
  std::printf(
      "time to score one utterance: %.1f ms for %.2f s of audio on average "
      "(%d utterances, embedding + %zu comparisons; one thread; %u cores)\n",
      embed_ms / embedded, audio_s / embedded, embedded, enrolled.size(),
      std::thread::hardware_concurrency());
}

mv::AudioBuffer ReadRaw8k(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  mv::AudioBuffer a;
  a.sample_rate = 8000;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const int16_t s = static_cast<int16_t>(static_cast<uint8_t>(bytes[i]) |
                                           (static_cast<uint8_t>(bytes[i + 1]) << 8));
    a.samples.push_back(s / 32768.0f);
  }
  return a;
}

void RealRecordings(const mv::SpeakerEncoderEmbedded& encoder) {
  const std::string dir = "/usr/share/codec2/raw/";
  // One talker per file, as far as the names tell (variants of one source,
  // e.g. hts1a next to hts1, are left out).
  const std::vector<std::string> files = {"hts1",  "hts2",   "cq_ref", "kristoff",
                                          "vk5qi", "ve9qrp", "g3plx",  "mmt1"};
  if (!std::filesystem::exists(dir + "hts1.raw")) {
    std::printf("real recordings: skipped (apt-get install codec2-examples to include them)\n");
    return;
  }
  constexpr double kPiece = 3.0, kMaxPerTalker = 8;
  std::vector<Utterance> pieces;
  for (const std::string& f : files) {
    mv::AudioBuffer all = ReadRaw8k(dir + f + ".raw");
    const std::size_t n = static_cast<std::size_t>(kPiece * all.sample_rate);
    int taken = 0;
    for (std::size_t at = 0; at + n <= all.samples.size() && taken < kMaxPerTalker; at += n) {
      mv::AudioBuffer piece{{all.samples.begin() + at, all.samples.begin() + at + n}, 8000};
      try {
        pieces.push_back({f, encoder.Embed(piece).values});
        ++taken;
      } catch (const mv::Error&) {
      }
    }
  }
  std::vector<double> target, impostor;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    for (std::size_t j = i + 1; j < pieces.size(); ++j) {
      (pieces[i].voice == pieces[j].voice ? target : impostor)
          .push_back(encoder.Score(pieces[i].embedding, pieces[j].embedding));
    }
  }
  std::printf(
      "real recordings (codec2-examples, 8 kHz, %zu talkers, %zu pieces of 3 s; "
      "same-file pairs are target trials, so one session each: optimistic):\n",
      files.size(), pieces.size());
  if (target.empty() || impostor.empty()) return;
  PrintEer("  3 s vs 3 s       ", target, impostor, encoder.DefaultThreshold());
}

}  // namespace

int main(int argc, char** argv) {
  const int per_voice = argc > 1 ? std::max(1, std::atoi(argv[1])) : 8;
  const double min_speech = argc > 2 ? std::atof(argv[2]) : 1.0;
  mv::SpeakerEncoderEmbedded encoder(min_speech, OptionsFromEnv());
  const auto& o = encoder.options();
  std::printf("minimum voiced speech %.2f s; ", min_speech);
  std::printf(
      "embedded speaker encoder: weights mean %.2f spread %.2f pitch %.2f, pitch tolerance "
      "%.1f st, d0 %.2f\n",
      o.mean_weight, o.spread_weight, o.pitch_weight, o.pitch_tolerance, o.d0);
  SyntheticSet(encoder, per_voice);
  RealRecordings(encoder);
  return 0;
}
