#include <memory>

#include "asr/asr-pocketsphinx.h"
#include "asr/asr.h"
#include "common/error.h"

namespace mv {

std::unique_ptr<Asr> CreateAsr(const AsrConfig& config) {
  config.Validate();  // also rejects an unknown engine, naming asr.engine
  if (config.engine == "pocketsphinx") return std::make_unique<AsrPocketsphinx>(config);
  throw Error(ErrorKind::kInvalidInput, "bad_config",
              "asr.engine: unknown engine '" + config.engine + "' (known: pocketsphinx)");
}

}  // namespace mv
