#include "asr/asr-config.h"

#include <algorithm>
#include <sstream>

#include "common/config-check.h"
#include "common/error.h"
#include "common/secret-mask.h"

namespace mv {
namespace {

constexpr int kMaxPoolSize = 64;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

std::string JoinEngines() {
  std::string out;
  for (const std::string& e : AsrConfig::KnownEngines()) out += (out.empty() ? "" : ", ") + e;
  return out;
}

}  // namespace

const std::vector<std::string>& AsrConfig::KnownEngines() {
  static const std::vector<std::string> engines = {"pocketsphinx", "funasr", "wenet",
                                                    "openai-transcriptions", "whisper-server"};
  return engines;
}

void AsrConfig::Validate() const {
  const auto& known = KnownEngines();
  if (std::find(known.begin(), known.end(), engine) == known.end()) {
    Invalid("asr.engine: unknown engine '" + engine + "' (known: " + JoinEngines() + ")");
  }
  if (language.empty()) Invalid("asr.language: must not be empty");
  if (pool_size < 1 || pool_size > kMaxPoolSize) {
    Invalid("asr.pool_size: must be between 1 and " + std::to_string(kMaxPoolSize) + " (got " +
            std::to_string(pool_size) + ")");
  }
  if (engine == "pocketsphinx" && model_dir.empty()) {
    Invalid("asr.model_dir: must name the pocketsphinx model folder");
  }
  if (IsRemote()) {
    remote.Validate("asr");
    const bool websocket = engine == "funasr" || engine == "wenet";
    for (std::size_t i = 0; i < remote.endpoints.size(); ++i) {
      const std::string key = "asr.endpoints[" + std::to_string(i) + "].url";
      const std::string& url = remote.endpoints[i].url;
      CheckConfigUrl(key, url, websocket);
      if (websocket && url.rfind("ws", 0) != 0)
        Invalid(key + ": the " + engine + " engine speaks WebSocket: ws:// or wss://, got '" +
                MaskUrlCredentials(url) + "'");
    }
    if (engine == "funasr") funasr.Validate();
    if (engine == "wenet") wenet.Validate();
    if (engine == "openai-transcriptions") openai.Validate();
    if (engine == "whisper-server") whisper_server.Validate();
  }
}

bool AsrConfig::IsRemote() const { return engine != "pocketsphinx"; }

std::string AsrConfig::ToString() const {
  std::ostringstream os;
  os << "AsrConfig(engine=" << engine << ", language=" << language << ", pool_size=" << pool_size
     << ", model_dir=" << model_dir;
  if (IsRemote()) os << ", endpoints=" << remote.endpoints.size();
  os << ")";
  return os.str();
}

}  // namespace mv
