// The original GPT-SoVITS chat server's config.yaml (PROTOCOLS.md A1):
// Core.sv.*, LLM.*, GSV.*, extra_ref_audio, mapped onto mirrorvox's keys.
// Real files carry keys mirrorvox has no use for (LLM2, SLM, Agent memory,
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

// Which generation of the original a config.yaml is: 0.99 (Sept 2025) has
// GSV.api or an Agent section, 0.1.x (May 2025) neither.
enum class LegacyGeneration { kNone, k01, k099 };
LegacyGeneration DetectLegacyGeneration(const YAML::Node& root);
// What that generation did where mirrorvox has a setting: the body of a
// voiceprint refusal on /api/asr and which text is spoken. Applied before
// the sections, so the file's own keys still win.
void ApplyLegacyDefaults(LegacyGeneration generation, Config& config);

// Top-level keys of the original format: "Core", "LLM", "GSV", ...
bool IsLegacySection(std::string_view name);
const std::vector<std::string>& LegacySectionNames();

// Applies one top-level section; warnings go to config.warnings. Relative
// paths are taken from the config file's folder (origin.label), where the
// original ran. Agent.is_up composes llm.system_prompt from the persona
// keys ({{user}} and {{char}} filled in); memory, lore-book and mood keys,
// Core.tt and LLM2 are reported in one warning each, never an error.
void ApplyLegacySection(const std::string& name, const YAML::Node& node, Config& config,
                        const ConfigOrigin& origin);

}  // namespace mv
