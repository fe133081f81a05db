#include "voice/speaker-encoder.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/error.h"
#include "voice/speaker-encoder-embedded.h"
#include "voice/speaker-encoder-remote.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

}  // namespace

void SpeakerEncoderConfig::Validate() const {
  if (engine != "embedded" && engine != "remote")
    Invalid("voiceprint.engine: must be embedded or remote, got '" + engine + "'");
  if (engine == "remote" && url.empty())
    Invalid("voiceprint.url: must be the embedding service's URL when voiceprint.engine is remote");
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    Invalid("voiceprint.url: must start with http:// or https://, got '" + url + "'");
  if (timeout_ms < 1 || timeout_ms > 600000)
    Invalid("voiceprint.timeout_ms: must be between 1 and 600000, got " +
            std::to_string(timeout_ms));
  if (!std::isfinite(min_speech_seconds) || min_speech_seconds < 0.2 || min_speech_seconds > 30) {
    std::ostringstream got;
    got << min_speech_seconds;
    Invalid("voiceprint.min_speech_seconds: must be between 0.2 and 30, got " + got.str());
  }
}

std::string SpeakerEncoderConfig::ToString() const {
  std::ostringstream os;
  os << "SpeakerEncoderConfig(engine=" << engine << ", url=\"" << url
     << "\", timeout_ms=" << timeout_ms << ", min_speech_seconds=" << min_speech_seconds << ")";
  return os.str();
}

SpeakerEmbedding SpeakerEncoder::Embed(const AudioBuffer& audio, const CancelToken& cancel) const {
  SpeechAnalysis speech = AnalyzeSpeech(audio);
  if (speech.voiced_seconds() < min_speech_seconds_) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "not enough speech: %.2f s of voiced speech, at least %.2f s is needed",
                  speech.voiced_seconds(), min_speech_seconds_);
    throw Error(ErrorKind::kInvalidInput, "not_enough_speech", text);
  }
  SpeakerEmbedding out;
  out.values = EmbedSpeech(speech, cancel);
  out.voiced_seconds = speech.voiced_seconds();
  return out;
}

double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0.0;
  double dot = 0.0, na = 0.0, nb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0.0 || nb <= 0.0) return 0.0;
  return dot / std::sqrt(na * nb);
}

std::unique_ptr<SpeakerEncoder> CreateSpeakerEncoder(const SpeakerEncoderConfig& config,
                                                     std::shared_ptr<HttpClient> http) {
  config.Validate();
  if (config.engine == "remote") return std::make_unique<SpeakerEncoderRemote>(config, http);
  return std::make_unique<SpeakerEncoderEmbedded>(config.min_speech_seconds);
}

}  // namespace mv
