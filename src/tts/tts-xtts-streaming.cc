#include "tts/tts-xtts-streaming.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "audio/audio-encoder.h"
#include "common/error.h"
#include "tts/reference-clip.h"
#include "tts/remote-speech.h"
#include "tts/speech-language.h"
#include "tts/tts-xtts-api.h"

namespace mv {
namespace {

constexpr std::size_t kMaxVoices = 64;
constexpr double kMaxReferenceSeconds = 15.0;  // XTTS conditions on up to ~30 s; more is slower

std::string CloneBody(const std::string& wav, const std::string& boundary) {
  return "--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"wav_file\"; filename=\"reference.wav\"\r\n"
         "Content-Type: audio/wav\r\n\r\n" +
         wav + "\r\n--" + boundary + "--\r\n";
}

}  // namespace

TtsXttsStreaming::TtsXttsStreaming(const TtsConfig& config, std::shared_ptr<HttpClient> http)
    : config_(config) {
  config_.Validate();
  client_ = http ? std::move(http) : std::make_shared<HttpClient>(1);
  pool_ = std::make_unique<RemotePool>(config_.remote, client_);
  VoiceReference speaker;
  speaker.id = "xtts-speaker:" + config_.xtts.speaker;
  speaker.wav_path = config_.xtts.speaker;
  if (!LoadReferenceAudio(speaker))
    throw Error(ErrorKind::kInvalidInput, "bad_config",
                "config: tts.xtts.speaker: cannot read '" + config_.xtts.speaker +
                    "' as audio (xtts-streaming-server clones the default voice from a local "
                    "WAV file)");
  TtsRequest with_speaker;
  with_speaker.reference = std::make_shared<VoiceReference>(speaker);
  default_voice_ = VoiceFor(with_speaker);
}

int TtsXttsStreaming::clones() const {
  std::lock_guard lock(mutex_);
  return clones_;
}

std::shared_ptr<const TtsXttsStreaming::Voice> TtsXttsStreaming::VoiceFor(
    const TtsRequest& request) {
  if (!request.reference) return default_voice_;
  const std::string& id = request.reference->id;
  {
    std::lock_guard lock(mutex_);
    if (auto it = voices_.find(id); !id.empty() && it != voices_.end()) return it->second;
  }
  std::optional<AudioBuffer> audio = LoadReferenceAudio(*request.reference);
  if (!audio) {
    spdlog::warn("xtts: reference '{}' has no audio readable here; speaking in the default voice",
                 id);
    return default_voice_;
  }
  auto voice = std::make_shared<Voice>();
  voice->wav =
      EncodeAudio(FitReference(*audio, 3.0, kMaxReferenceSeconds).audio, AudioFormat::kWav);
  voice->hash = Fnv1a64(voice->wav);
  std::lock_guard lock(mutex_);
  if (!id.empty()) {
    if (voices_.size() >= kMaxVoices)
      voices_.erase(voices_.begin());  // any: they are cheap to redo
    voices_[id] = voice;
  }
  return voice;
}

Task<std::shared_ptr<const std::string>> TtsXttsStreaming::Latents(
    std::shared_ptr<const Voice> voice, std::string url, CancelToken cancel) {
  using Prefix = std::shared_ptr<const std::string>;
  const uint64_t hash = voice->hash;
  for (;;) {
    bool clone_here = false;
    {
      std::lock_guard lock(mutex_);
      if (auto it = latents_.find(hash); it != latents_.end()) {
        lru_.remove(hash);
        lru_.push_back(hash);
        co_return it->second;
      }
      if (!cloning_.contains(hash)) {
        cloning_[hash];  // this request clones it; others wait for it
        clone_here = true;
      }
    }
    if (clone_here) break;
    // Another request is cloning this voice: its latents, or null when it
    // failed on its endpoint (then this one tries on its own).
    Prefix theirs = co_await Callback<Prefix>([&](auto resume) {
      std::unique_lock lock(mutex_);
      auto it = cloning_.find(hash);
      if (it == cloning_.end()) {  // finished meanwhile: look again
        lock.unlock();
        resume(nullptr);
        return;
      }
      it->second.push_back(resume);
    });
    if (theirs) co_return theirs;
    if (cancel.IsCancelled())
      throw Error(ErrorKind::kCancelled, "cancelled", "synthesis cancelled");
  }
  Prefix prefix;
  std::optional<Error> failed;
  try {
    const std::string boundary = "mirrorvox-" + std::to_string(hash);
    ClientRequest r = PoolRequest(config_.remote, "POST", JoinUrl(url, "/clone_speaker"));
    r.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
    r.body = CloneBody(voice->wav, boundary);
    const std::string body =
        co_await FetchOkAsync(*client_, std::move(r), cancel, &TtsXttsApi::MapError);
    const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("gpt_cond_latent") || !j.contains("speaker_embedding"))
      throw Error(ErrorKind::kUpstream, "bad_latents",
                  "XTTS /clone_speaker answered without gpt_cond_latent and speaker_embedding: " +
                      BodySnippet(body));
    // Kept as the start of every /tts_stream body: no re-encoding per request.
    prefix = std::make_shared<const std::string>(
        "{\"speaker_embedding\":" + j["speaker_embedding"].dump() +
        ",\"gpt_cond_latent\":" + j["gpt_cond_latent"].dump() + ",");
  } catch (const Error& e) {
    failed = e;
  }
  std::vector<std::function<void(Prefix)>> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting = std::move(cloning_[hash]);
    cloning_.erase(hash);
    if (prefix) {
      ++clones_;
      if (latents_.emplace(hash, prefix).second) lru_.push_back(hash);
      while (lru_.size() > kMaxVoices) {
        latents_.erase(lru_.front());
        lru_.pop_front();
      }
    }
  }
  for (auto& wake : waiting) wake(prefix);
  if (failed) throw *failed;
  co_return prefix;
}

TtsXttsStreaming::~TtsXttsStreaming() { WaitIdle(); }

Task<void> TtsXttsStreaming::Speak(TtsRequest request, CancelToken cancel,
                                   TtsChunkCallback on_chunk) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos) co_return;
  const std::string language =
      XttsLanguage(request.language.empty() ? config_.language : request.language);
  // Refused here: the server's answer (a 500) would otherwise fail over and
  // cool down every endpoint for one bad request.
  if (!IsXttsLanguage(language))
    throw Error(ErrorKind::kInvalidInput, "unsupported_language",
                "XTTS does not speak '" + language + "'");
  const std::shared_ptr<const Voice> voice = VoiceFor(request);
  const nlohmann::ordered_json rest = {
      {"text", request.text},
      {"language", language},
      {"add_wav_header", true},
      {"stream_chunk_size", std::to_string(config_.xtts.stream_chunk_size)}};
  const std::string tail = rest.dump().substr(1);  // the fields after the latents, and "}"
  SpeechOutput out(on_chunk);
  co_await pool_->RunAsync(cancel, [&](int, std::string url) {
    return Attempt(std::move(url), voice, tail, cancel, out);
  });
}

Task<void> TtsXttsStreaming::Attempt(std::string url, std::shared_ptr<const Voice> voice,
                                     const std::string& tail, const CancelToken& cancel,
                                     SpeechOutput& out) {
  const std::shared_ptr<const std::string> latents = co_await Latents(voice, url, cancel);
  ClientRequest r = JsonRequest(config_.remote, JoinUrl(url, "/tts_stream"), *latents + tail);
  co_await StreamSpeechAsync(*client_, std::move(r), cancel, WavStreamParser(),
                             &TtsXttsApi::MapError, out);
}

}  // namespace mv
