// `mirrorvox doctor`: what a config needs on this machine, checked one thing
// at a time. Each check appends lines; a line that fails says how to fix it.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace mv {

struct DoctorLine {
  bool ok = false;
  std::string what;  // "config valid (embedded default)", "llm: Ollama at ..."
  std::string fix;   // when !ok: the one thing to do
};
using DoctorLines = std::vector<DoctorLine>;

void CheckEngines(const Config& config, DoctorLines& out);
void CheckRemoteEndpoints(const Config& config, DoctorLines& out);
void CheckLlm(const Config& config, DoctorLines& out);
void CheckTls(const Config& config, DoctorLines& out);
void CheckVoiceLibrary(const Config& config, DoctorLines& out);
void CheckPorts(const Config& config, DoctorLines& out);
void CheckAudioDevices(DoctorLines& out);

}  // namespace mv
