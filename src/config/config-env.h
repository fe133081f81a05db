// MIRRORVOX_* environment overrides, applied after the file.
//
// Rule: MIRRORVOX_<SECTION>__<KEY>[__<SUBKEY>] sets the key whose path is
// the name after the prefix, lower-cased, with "__" read as ".":
//   MIRRORVOX_SERVER__PORT=9000            -> server.port
//   MIRRORVOX_TTS__GPT_SOVITS__TOP_K=20    -> tts.gpt_sovits.top_k
// Lists take "a.wav,b.wav" or YAML flow "[a.wav, b.wav]"; maps YAML flow
// ("{happy: [happy.wav, 'Great!']}"). Shortcuts: MIRRORVOX_LLM__URL, __KEY,
// __MODEL set llm.endpoints[0]; MIRRORVOX_LLM__ENDPOINTS__<i>__URL (KEY,
// MODEL) set endpoint i. Any other MIRRORVOX_ variable is an error, except
// the reserved ones below, which are not config keys.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace mv {

// MIRRORVOX_CONFIG (a config file path for the CLI), MIRRORVOX_LOG_LEVEL.
const std::vector<std::string>& ReservedEnvNames();

// "server.port" -> "MIRRORVOX_SERVER__PORT".
std::string EnvNameForKey(std::string_view path);

// Returns the names of the variables applied. Throws mv::Error "bad_config"
// naming the variable.
std::vector<std::string> ApplyEnvOverrides(const std::map<std::string, std::string>& env,
                                           Config& config);

}  // namespace mv
