// Loads the configuration: built-in defaults, then a YAML file (mirrorvox's
// own keys, the original chat server's config.yaml keys, or both), then
// MIRRORVOX_* environment overrides (config-env.h), then Config::Validate().
//
// Every failure is an mv::Error (kInvalidInput, "bad_config") whose message
// starts "config: " and names the key, what is allowed and what was given,
// plus where: "(file:line:column)" or "(from MIRRORVOX_SERVER__PORT)".
// Unknown keys of mirrorvox's own sections are errors with a suggestion;
// unknown keys inside the original format's sections are warnings, kept in
// Config::warnings and logged. A key with no value ("thr:") keeps its
// default. When a file sets a value both ways, mirrorvox's key wins.
#pragma once

#include <map>
#include <string>

#include "config/config.h"

namespace mv {

// `path_or_empty` "" = no file, the defaults. `env` is the environment to
// read MIRRORVOX_* variables from (others are ignored).
Config LoadConfig(const std::string& path_or_empty, const std::map<std::string, std::string>& env);

// The same, with the process environment.
Config LoadConfig(const std::string& path_or_empty);

// The process's MIRRORVOX_* variables.
std::map<std::string, std::string> MirrorvoxEnvironment();

}  // namespace mv
