#include "asr/asr-remote-config.h"

#include <cmath>

#include "common/config-check.h"

namespace mv {

RemotePoolConfig DefaultRemoteAsrPool() {
  RemotePoolConfig c;
  c.first_byte_timeout_ms = 30000;  // a long clip on a CPU box
  c.name = "asr";
  return c;
}

void FunAsrConfig::Validate() const {
  if (mode != "offline" && mode != "2pass" && mode != "online")
    ConfigInvalid("asr.funasr.mode: must be offline, 2pass or online; got '" + mode + "'");
  // The server checks exactly this and, when it fails, answers nothing at all.
  if (chunk_size.size() != 3 || chunk_size[1] == 0) {
    std::string got;
    for (int v : chunk_size) got += (got.empty() ? "" : ", ") + std::to_string(v);
    ConfigInvalid(
        "asr.funasr.chunk_size: must be exactly 3 integers with a non-zero middle one "
        "(look-back, chunk, look-ahead in 60 ms units, e.g. [5, 10, 5]); got [" +
        got + "]");
  }
  for (std::size_t i = 0; i < chunk_size.size(); ++i)
    CheckConfigRange("asr.funasr.chunk_size[" + std::to_string(i) + "]", chunk_size[i], 0, 100);
  CheckConfigRange("asr.funasr.chunk_interval", chunk_interval, 1, 100);
}

void WenetConfig::Validate() const { CheckConfigRange("asr.wenet.nbest", nbest, 1, 100); }

void OpenAiTranscriptionConfig::Validate() const {
  if (model.empty())
    ConfigInvalid(
        "asr.openai.model: must not be empty (e.g. whisper-1, or the model name "
        "your server loads)");
}

void WhisperServerConfig::Validate() const {
  if (!std::isfinite(temperature) || temperature < 0.0 || temperature > 1.0)
    ConfigInvalid("asr.whisper_server.temperature: must be between 0 and 1, got " +
                  std::to_string(temperature));
}

}  // namespace mv
