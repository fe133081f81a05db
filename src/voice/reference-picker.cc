#include "voice/reference-picker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/error.h"

namespace mv {
namespace {

constexpr double kQuietDb = -40.0;       // below the loudest frame: a pause
constexpr double kAbsoluteQuiet = 1e-3;  // ~ -60 dBFS
constexpr int kDipRadius = 5;            // frames: a local energy minimum over +-50 ms

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", s);
  return text;
}

}  // namespace

ReferencePick PickReference(const SpeechAnalysis& speech, const ReferencePickerOptions& o) {
  const double duration = speech.audio.DurationSeconds();
  if (duration < o.min_seconds) {
    throw Error(ErrorKind::kInvalidInput, "too_short",
                "the recording lasts " + Seconds(duration) + "; a voice needs at least " +
                    Seconds(o.min_seconds) + " of speech");
  }
  const auto& frames = speech.track.frames;
  const double hop = speech.track.hop_seconds;
  const int n = static_cast<int>(frames.size());
  // Frame i covers [offset + i*hop, offset + (i+1)*hop); boundary k sits at
  // offset + k*hop, clamped to the audio.
  const double offset = n > 0 ? frames[0].time_seconds - hop / 2 : 0.0;
  auto time_at = [&](int k) { return std::clamp(offset + k * hop, 0.0, duration); };

  double loudest = 0.0;
  for (const auto& f : frames) loudest = std::max(loudest, f.rms);
  const double quiet = std::max(kAbsoluteQuiet, loudest * std::pow(10.0, kQuietDb / 20.0));
  std::vector<int> voiced_prefix(n + 1, 0), quiet_prefix(n + 1, 0);
  std::vector<int> cuts = {0};
  for (int i = 0; i < n; ++i) {
    const bool is_quiet = frames[i].rms < quiet;
    voiced_prefix[i + 1] = voiced_prefix[i] + (frames[i].voiced ? 1 : 0);
    quiet_prefix[i + 1] = quiet_prefix[i] + (is_quiet ? 1 : 0);
    bool dip = !frames[i].voiced;
    for (int j = std::max(0, i - kDipRadius); dip && j <= std::min(n - 1, i + kDipRadius); ++j)
      dip = frames[j].rms >= frames[i].rms;
    if (is_quiet || dip) cuts.push_back(i);
  }
  if (cuts.back() != n) cuts.push_back(n);

  ReferencePick best;
  double best_score = -1e9;
  int best_a = 0, best_b = 0;
  const auto tail_end = [&](int b) { return b == n ? duration : time_at(b); };
  for (std::size_t ia = 0; ia < cuts.size(); ++ia) {
    const int a = cuts[ia];
    const double start = a == 0 ? 0.0 : time_at(a);
    for (std::size_t ib = ia + 1; ib < cuts.size(); ++ib) {
      const int b = cuts[ib];
      const double length = tail_end(b) - start;
      if (length < o.min_seconds) continue;
      if (length > o.max_seconds) break;
      const double voiced = (voiced_prefix[b] - voiced_prefix[a]) * hop;
      const double score = voiced - o.silence_penalty * (quiet_prefix[b] - quiet_prefix[a]) * hop;
      if (score > best_score) {
        best_score = score;
        best_a = a;
        best_b = b;
        best.voiced_seconds = voiced;
      }
    }
  }
  if (best_score == -1e9) {
    // No cut pair fits (e.g. steady noise with no dips): a window from the start.
    best_a = 0;
    best_b = std::min(n, static_cast<int>(o.max_seconds / hop));
    best.voiced_seconds = (voiced_prefix[best_b] - voiced_prefix[0]) * hop;
  }
  // Trim quiet edges down to the allowed margin, keeping min_seconds.
  const int margin = static_cast<int>(std::lround(o.edge_silence_seconds / hop));
  auto quiet_run = [&](int from, int step, int limit) {
    int k = 0;
    for (int i = from; i != limit && frames[i].rms < quiet && !frames[i].voiced; i += step) ++k;
    return k;
  };
  const int lead = std::max(0, quiet_run(best_a, 1, best_b) - margin);
  const int trail = std::max(0, quiet_run(best_b - 1, -1, best_a - 1) - margin);
  const double full = tail_end(best_b) - (best_a == 0 ? 0.0 : time_at(best_a));
  const double spare = std::max(0.0, full - o.min_seconds);
  const int allowed = static_cast<int>(spare / hop);
  const int cut_lead = std::min(lead, allowed);
  const int cut_trail = std::min(trail, allowed - cut_lead);
  best.start_seconds = best_a + cut_lead == 0 ? 0.0 : time_at(best_a + cut_lead);
  best.end_seconds = cut_trail == 0 ? tail_end(best_b) : time_at(best_b - cut_trail);
  if (best.voiced_seconds < o.min_voiced_seconds) {
    throw Error(ErrorKind::kInvalidInput, "not_enough_speech",
                "not enough speech: the best " + Seconds(best.duration()) +
                    " of the recording hold " + Seconds(best.voiced_seconds) +
                    " of voiced speech; at least " + Seconds(o.min_voiced_seconds) + " is needed");
  }
  return best;
}

}  // namespace mv
