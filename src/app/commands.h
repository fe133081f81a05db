// Subcommands of the mirrorvox binary. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "client/client-config.h"

namespace CLI {
class App;
}

namespace mv {

struct ServeOptions {
  std::string config_path;
  std::string host;  // overrides server.host when set
  int port = -1;     // overrides server.port when >= 0 (0 = any free port)
};
int RunServe(const ServeOptions& options);

struct TranscribeOptions {
  std::string config_path;
  std::string file;
  std::string language = "en";
};
int RunTranscribe(const TranscribeOptions& options);

struct SayOptions {
  std::string config_path;
  std::string text;
  std::string output;
  std::string language = "en";
  std::string voice;
};
int RunSay(const SayOptions& options);

int RunConfigCheck(const std::string& config_path);

// `keys add|list|revoke` (cmd-keys.cc): the API keys of server.auth.
struct KeysOptions {
  std::string config_path;
  std::string name;  // add: the new key's label; revoke: id or name
  std::vector<std::string> scopes;
  int rate_per_minute = 0;
};
CLI::App* AddKeysCommand(CLI::App& app, KeysOptions& options);
int RunKeys(CLI::App& keys_command, const KeysOptions& options);

// `doctor`: checks the config's engines, endpoints, LLM, files and ports.
int RunDoctor(const std::string& config_path);

// `client` and its options (cmd-client.cc).
CLI::App* AddClientCommand(CLI::App& app, ClientConfig& config);
int RunClient(const ClientConfig& config);

}  // namespace mv
