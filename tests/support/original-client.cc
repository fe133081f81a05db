#include "support/original-client.h"

#include "support/server-process.h"

namespace mvtest {
namespace {

OriginalClientResult Run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      "/usr/bin/python3", std::string(MV_SOURCE_DIR) + "/tests/support/original_client.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = RunCommand(argv, {}, 600);
  OriginalClientResult out;
  out.error = r.err;
  if (r.exit_code != 0) {
    out.error = "exit " + std::to_string(r.exit_code) + ": " + r.err;
    return out;
  }
  out.out = nlohmann::json::parse(r.out, nullptr, false);
  out.ok = !out.out.is_discarded() && out.out.is_object();
  if (!out.ok) out.error = "no summary from the client: " + r.out + r.err;
  return out;
}

}  // namespace

nlohmann::json OriginalClientResult::segments() const {
  nlohmann::json s = nlohmann::json::array();
  for (const auto& e : out.value("events", nlohmann::json::array()))
    if (e.value("done", true) == false) s.push_back(e);
  return s;
}

OriginalClientResult OriginalClientChat(int port, const std::string& body) {
  OriginalClientResult r = Run({"chat", std::to_string(port), body});
  if (r.ok && (!r.out.contains("events") || r.out["events"].empty())) {
    r.ok = false;
    r.error = "the stream held no event: " + r.out.dump();
  }
  return r;
}

OriginalClientResult OriginalClientAsr(int port, const std::string& wav_path) {
  return Run({"asr", std::to_string(port), wav_path});
}

}  // namespace mvtest
