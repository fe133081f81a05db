// `mirrorvox doctor [-c FILE]`: one line per check, ✓ or ✗ with the fix;
// exit 1 when any check failed, so scripts can stop on it.
#include <cstdio>

#include "app/commands.h"
#include "app/doctor-checks.h"
#include "common/error.h"
#include "config/config-loader.h"

namespace mv {

int RunDoctor(const std::string& config_path) {
  DoctorLines lines;
  Config config;
  const std::string where = config_path.empty() ? "embedded default" : config_path;
  try {
    config = LoadConfig(config_path);
    lines.push_back({true, "config valid (" + where + ")", ""});
  } catch (const Error& e) {
    lines.push_back({false, std::string("config invalid (") + where + "): " + e.what(),
                     "correct that key; `mirrorvox config check -c FILE` shows the result"});
  }
  auto print = [](const DoctorLine& l) {
    std::printf("%s %s\n", l.ok ? "\u2713" : "\u2717", l.what.c_str());
    if (!l.ok && !l.fix.empty()) std::printf("    fix: %s\n", l.fix.c_str());
    std::fflush(stdout);
  };
  print(lines.front());
  if (lines.front().ok) {
    // Printed as they finish: a slow endpoint shows where the time goes.
    for (auto check :
         {CheckEngines, CheckRemoteEndpoints, CheckLlm, CheckTls, CheckVoiceLibrary, CheckPorts}) {
      const std::size_t before = lines.size();
      check(config, lines);
      for (std::size_t i = before; i < lines.size(); ++i) print(lines[i]);
    }
  }
  const std::size_t before = lines.size();
  CheckAudioDevices(lines);
  for (std::size_t i = before; i < lines.size(); ++i) print(lines[i]);
  int failed = 0;
  for (const auto& l : lines) failed += l.ok ? 0 : 1;
  if (failed)
    std::printf("%d of %zu checks failed\n", failed, lines.size());
  else
    std::printf("all %zu checks passed\n", lines.size());
  return failed ? 1 : 0;
}

}  // namespace mv
