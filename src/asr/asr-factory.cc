#include <memory>

#include "asr/asr-funasr.h"
#include "asr/asr-openai.h"
#include "asr/asr-pocketsphinx.h"
#include "asr/asr-wenet.h"
#include "asr/asr-whisper-server.h"
#include "asr/asr.h"
#include "common/error.h"

namespace mv {

std::unique_ptr<Asr> CreateAsr(const AsrConfig& config, std::shared_ptr<HttpClient> http) {
  config.Validate();  // also rejects an unknown engine, naming asr.engine
  if (config.engine == "pocketsphinx") return std::make_unique<AsrPocketsphinx>(config);
  if (config.engine == "funasr") return std::make_unique<AsrFunAsr>(config, http);
  if (config.engine == "wenet") return std::make_unique<AsrWenet>(config, http);
  if (config.engine == "openai-transcriptions") return std::make_unique<AsrOpenAi>(config, http);
  if (config.engine == "whisper-server") return std::make_unique<AsrWhisperServer>(config, http);
  throw Error(ErrorKind::kInvalidInput, "bad_config",
              "asr.engine: unknown engine '" + config.engine + "'");
}

}  // namespace mv
