#include <memory>

#include "common/error.h"
#include "tts/tts-espeak.h"
#include "tts/tts-flite.h"
#include "tts/tts-gpt-sovits.h"
#include "tts/tts-openai-speech.h"
#include "tts/tts-router.h"
#include "tts/tts-xtts-api.h"
#include "tts/tts-xtts-streaming.h"
#include "tts/tts.h"

namespace mv {

std::unique_ptr<Tts> CreateTts(const TtsConfig& config, std::shared_ptr<HttpClient> http) {
  config.Validate();  // also rejects an unknown engine, naming tts.engine
  if (config.engine.empty()) return std::make_unique<TtsRouter>(config);
  if (config.engine == "flite") return std::make_unique<TtsFlite>(config);
  if (config.engine == "espeak") return std::make_unique<TtsEspeak>(config);
  if (config.engine == "gpt-sovits") return std::make_unique<TtsGptSovits>(config, http);
  if (config.engine == "xtts" && config.xtts.server == "streaming")
    return std::make_unique<TtsXttsStreaming>(config, http);
  if (config.engine == "xtts") return std::make_unique<TtsXttsApi>(config, http);
  if (config.engine == "openai-speech") return std::make_unique<TtsOpenAiSpeech>(config, http);
  throw Error(ErrorKind::kInvalidInput, "bad_config",
              "tts.engine: unknown engine '" + config.engine +
                  "' (known: flite, espeak, gpt-sovits, xtts, openai-speech, or empty to "
                  "route by language)");
}

}  // namespace mv
