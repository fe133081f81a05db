#include "voice/reference-voice-tts.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "audio/audio-decoder.h"
#include "common/error.h"
#include "voice/mirror-voice-tts.h"
#include "voice/voice-profile.h"

namespace mv {
namespace {

constexpr std::size_t kMaxCachedMatches = 256;

AudioBuffer LoadReference(const VoiceReference& ref) {
  if (ref.audio) return *ref.audio;
  std::ifstream in(ref.wav_path, std::ios::binary);
  if (!in)
    throw Error(ErrorKind::kNotFound, "no_reference",
                "cannot read reference audio '" + ref.wav_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return DecodeAudio(ss.str());
}

}  // namespace

ReferenceVoiceTts::ReferenceVoiceTts(std::unique_ptr<Tts> base, std::string default_language)
    : base_(std::move(base)), default_language_(std::move(default_language)) {}

VoiceMatcher& ReferenceVoiceTts::MatcherFor(const std::string& language) {
  std::lock_guard lock(mutex_);
  auto& m = matchers_[language];
  if (!m) {
    VoiceMatcherOptions options;
    options.language = language;
    m = std::make_unique<VoiceMatcher>(*base_, options);
  }
  return *m;
}

void ReferenceVoiceTts::Calibrate(const std::string& language) { MatcherFor(language).Calibrate(); }

std::optional<VoiceMatch> ReferenceVoiceTts::MatchFor(const VoiceReference& reference,
                                                      const std::string& language) {
  const std::string key = language + "\n" + reference.id;
  {
    std::lock_guard lock(mutex_);
    auto it = matches_.find(key);
    if (it != matches_.end()) return it->second;
  }
  VoiceMatcher& matcher = MatcherFor(language);
  std::optional<VoiceMatch> match;
  try {
    match = matcher.Match(EstimateVoiceProfile(LoadReference(reference), matcher.options().profile));
    spdlog::info("voice reference {}: {}", reference.id, match->ToString());
  } catch (const Error& e) {
    // An unusable reference must not cost the answer: speak in the plain voice.
    spdlog::warn("voice reference {} not usable ({}); using the default voice", reference.id,
                 e.what());
  }
  std::lock_guard lock(mutex_);
  if (matches_.emplace(key, match).second) {
    lru_.push_back(key);
    if (lru_.size() > kMaxCachedMatches) {
      matches_.erase(lru_.front());
      lru_.pop_front();
    }
  }
  return match;
}

void ReferenceVoiceTts::Synthesize(const TtsRequest& request, const CancelToken& cancel,
                                   const TtsChunkCallback& on_chunk) {
  if (!request.reference) return base_->Synthesize(request, cancel, on_chunk);
  const std::string language = request.language.empty() ? default_language_ : request.language;
  std::optional<VoiceMatch> match = MatchFor(*request.reference, language);
  TtsRequest plain = request;
  plain.reference.reset();
  if (!match) return base_->Synthesize(plain, cancel, on_chunk);
  MirrorVoiceTts(*base_, *match).Synthesize(plain, cancel, on_chunk);
}

}  // namespace mv
