#include <memory>

#include "common/error.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "tts/tts-router.h"
#include "tts/tts.h"

namespace mv {

std::unique_ptr<Tts> CreateTts(const TtsConfig& config) {
  config.Validate();  // also rejects an unknown engine, naming tts.engine
  if (config.engine.empty()) return std::make_unique<TtsRouter>(config);
  if (config.engine == "flite") return std::make_unique<TtsFlite>(config);
  if (config.engine == "espeak") return std::make_unique<TtsEspeak>(config);
  throw Error(ErrorKind::kInvalidInput, "bad_config",
              "tts.engine: unknown engine '" + config.engine +
                  "' (known: flite, espeak, or empty to route by language)");
}

}  // namespace mv
