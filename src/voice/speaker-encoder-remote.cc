#include "voice/speaker-encoder-remote.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "audio/audio-encoder.h"
#include "common/error.h"
#include "net/http-client.h"

namespace mv {
namespace {

[[noreturn]] void Upstream(const std::string& url, const std::string& why) {
  throw Error(ErrorKind::kUpstream, "bad_embedding", "speaker encoder at " + url + ": " + why);
}

}  // namespace

SpeakerEncoderRemote::SpeakerEncoderRemote(SpeakerEncoderConfig config,
                                           std::shared_ptr<HttpClient> client)
    : SpeakerEncoder(config.min_speech_seconds),
      config_(std::move(config)),
      client_(client ? std::move(client) : std::make_shared<HttpClient>(1)) {}

std::vector<float> SpeakerEncoderRemote::EmbedSpeech(const SpeechAnalysis& speech,
                                                     const CancelToken& cancel) const {
  ClientRequest request;
  request.method = "POST";
  request.url = config_.url;
  request.headers = {{"Content-Type", "audio/wav"}, {"Accept", "application/json"}};
  request.body = EncodeAudio(speech.SpeechOnly(), AudioFormat::kWav);
  request.connect_timeout_ms = config_.timeout_ms;
  request.first_byte_timeout_ms = config_.timeout_ms;
  request.idle_timeout_ms = config_.timeout_ms;
  request.max_body_bytes = 4u << 20;
  const ClientResponse response = client_->Fetch(request, cancel);
  if (response.status != 200) {
    Upstream(config_.url,
             "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200));
  }
  const auto j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("embedding") || !j["embedding"].is_array())
    Upstream(config_.url, "expected {\"embedding\": [floats]}");
  std::vector<float> out;
  for (const auto& v : j["embedding"]) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      Upstream(config_.url, "embedding holds a value that is not a finite number");
    out.push_back(v.get<float>());
  }
  if (out.empty() || out.size() > 65536)
    Upstream(config_.url,
             "embedding must hold 1 to 65536 numbers, got " + std::to_string(out.size()));
  return out;
}

}  // namespace mv
