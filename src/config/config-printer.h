// The resolved configuration as YAML in mirrorvox's own format, for
// `mirrorvox config check [-c FILE]`. Secrets are masked (LLM keys as
// "sk-…wxyz" or "****", URL passwords as "****"), so the output is safe to
// paste into a bug report; with the keys filled back in it loads again.
#pragma once

#include <string>

#include "config/config.h"

namespace mv {

// Starts with comments: where the config came from and any load warnings.
std::string PrintConfig(const Config& config);

}  // namespace mv
