// The original GPT-SoVITS chat server's config.yaml (PROTOCOLS.md A1):
// Core.sv.*, LLM.*, GSV.*, extra_ref_audio, mapped onto mirrorvox's keys.
// Real files carry many keys mirrorvox has no use for (LLM2, SLM, Agent,
// Core.tt, ...): inside these sections unknown keys are warnings, not
// errors. A mapped key with a value of the wrong type is still an error.
// GSV.api (the GPT-SoVITS URL) selects the gpt-sovits engine; without it a
// GSV section only fills tts.gpt_sovits and the embedded voices speak.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config-value.h"
#include "config/config.h"

namespace mv {

// Top-level keys of the original format: "Core", "LLM", "GSV", ...
bool IsLegacySection(std::string_view name);
const std::vector<std::string>& LegacySectionNames();

// Applies one top-level section; warnings go to config.warnings.
void ApplyLegacySection(const std::string& name, const YAML::Node& node, Config& config,
                        const ConfigOrigin& origin);

}  // namespace mv
