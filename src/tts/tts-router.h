// The default Tts (tts.engine empty): English goes to flite, everything else
// (Mandarin first of all) to espeak-ng. A request naming a flite voice goes to
// flite and one naming any other voice to espeak-ng, whatever its language.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "tts/tts.h"

namespace mv {

class TtsRouter : public Tts {
 public:
  // config.voice may name a flite or an espeak-ng voice; it is the default for
  // requests in config.language.
  explicit TtsRouter(const TtsConfig& config);

  void Synthesize(const TtsRequest& request, const CancelToken& cancel,
                  const TtsChunkCallback& on_chunk) override;
  // Flite's voices, then espeak-ng's.
  std::vector<std::string> Voices() const override;

  // The engine a request goes to: "flite" or "espeak". Exposed for tests and logs.
  std::string EngineFor(const TtsRequest& request) const;

 private:
  std::string language_;
  std::string voice_;
  std::unique_ptr<TtsFlite> flite_;
  std::unique_ptr<TtsEspeak> espeak_;
};

}  // namespace mv
