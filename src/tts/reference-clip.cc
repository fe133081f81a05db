#include "tts/reference-clip.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "audio/audio-decoder.h"
#include "common/error.h"

namespace mv {
namespace {

constexpr double kFrameSeconds = 0.02;
constexpr double kMargin = 0.1;      // seconds kept inside [min, max]
constexpr double kEdgeSearch = 0.4;  // seconds an edge may move to a quieter frame
constexpr double kVoicedDb = -35.0;  // below the loudest frames: not voiced

}  // namespace

ReferenceClip FitReference(const AudioBuffer& in, double min_seconds, double max_seconds) {
  ReferenceClip out;
  const int rate = in.sample_rate > 0 ? in.sample_rate : 16000;
  const double duration = in.DurationSeconds();
  out.audio.sample_rate = rate;
  if (duration >= min_seconds && duration <= max_seconds) {
    out.audio = in;
    return out;
  }
  if (duration < min_seconds) {
    // Silence split around the words keeps them and their transcript intact.
    const auto total = static_cast<std::size_t>(std::ceil((min_seconds + kMargin) * rate));
    const std::size_t pad = total - in.samples.size();
    out.audio.samples.assign(pad / 2, 0.0f);
    out.audio.samples.insert(out.audio.samples.end(), in.samples.begin(), in.samples.end());
    out.audio.samples.resize(total, 0.0f);
    return out;
  }

  // Too long: frame energies, then the window with the most voiced frames.
  const auto frame = std::max<std::size_t>(1, static_cast<std::size_t>(kFrameSeconds * rate));
  const std::size_t frames = in.samples.size() / frame;
  std::vector<double> db(frames);
  double loudest = -120.0;
  for (std::size_t f = 0; f < frames; ++f) {
    double sum = 0;
    for (std::size_t i = f * frame; i < (f + 1) * frame; ++i) sum += in.samples[i] * in.samples[i];
    db[f] = 10.0 * std::log10(sum / static_cast<double>(frame) + 1e-12);
    loudest = std::max(loudest, db[f]);
  }
  const double threshold = loudest + kVoicedDb;
  const auto window =
      static_cast<std::size_t>((max_seconds - kMargin - 2 * kEdgeSearch) / kFrameSeconds);
  std::size_t best_start = 0, voiced = 0, best_voiced = 0;
  for (std::size_t f = 0; f < frames; ++f) {
    voiced += db[f] > threshold;
    if (f >= window) voiced -= db[f - window] > threshold;
    if (f + 1 >= window && voiced > best_voiced) {
      best_voiced = voiced;
      best_start = f + 1 - window;
    }
  }
  // Each edge moves outwards (up to kEdgeSearch) to the quietest frame.
  const auto search = static_cast<std::size_t>(kEdgeSearch / kFrameSeconds);
  auto quietest = [&](std::size_t from, std::size_t to) {
    std::size_t q = from;
    for (std::size_t f = from; f <= to && f < frames; ++f)
      if (db[f] < db[q]) q = f;
    return q;
  };
  std::size_t first = quietest(best_start >= search ? best_start - search : 0, best_start);
  std::size_t last = quietest(std::min(best_start + window, frames - 1),
                              std::min(best_start + window + search, frames - 1));
  const auto min_frames = static_cast<std::size_t>((min_seconds + kMargin) / kFrameSeconds);
  const auto max_frames = static_cast<std::size_t>((max_seconds - kMargin) / kFrameSeconds);
  last = std::clamp(last, first + min_frames, first + max_frames);
  const std::size_t begin = first * frame;
  const std::size_t end = std::min(in.samples.size(), (last + 1) * frame);
  out.audio.samples.assign(in.samples.begin() + static_cast<std::ptrdiff_t>(begin),
                           in.samples.begin() + static_cast<std::ptrdiff_t>(end));
  out.cut = true;
  out.start_seconds = static_cast<double>(begin) / rate;
  return out;
}

std::optional<AudioBuffer> LoadReferenceAudio(const VoiceReference& reference) {
  if (reference.audio) return *reference.audio;
  if (reference.wav_path.empty()) return std::nullopt;
  std::ifstream file(reference.wav_path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  try {
    return DecodeAudio(bytes.str());
  } catch (const Error& e) {
    spdlog::warn("TTS reference '{}' is not readable audio ({}); sent as a path instead",
                 reference.wav_path, e.what());
    return std::nullopt;
  }
}

}  // namespace mv
