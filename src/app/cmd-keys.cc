// `mirrorvox keys`: the API keys server.auth checks. The secret is printed
// once, by `add`; the file keeps only its hash.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/commands.h"
#include "common/error.h"
#include "config/config-loader.h"
#include "server/key-store.h"

namespace mv {

CLI::App* AddKeysCommand(CLI::App& app, KeysOptions& options) {
  auto* keys = app.add_subcommand("keys", "API keys for server.auth (kept hashed)");
  keys->require_subcommand(1);
  keys->add_option("-c,--config", options.config_path,
                   "YAML config file (its server.auth.keys_file names the store)");
  auto* add = keys->add_subcommand("add", "Make a key; prints the secret once");
  add->add_option("name", options.name, "A label for the key (who or what uses it)")->required();
  add->add_option("--scope", options.scopes,
                  "chat, voices:read, voices:write or admin (repeatable; default chat)");
  add->add_option("--rate", options.rate_per_minute, "Requests a minute (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  add->add_option("-c,--config", options.config_path, "YAML config file");
  auto* list = keys->add_subcommand("list", "List the keys (never their secrets)");
  list->add_option("-c,--config", options.config_path, "YAML config file");
  auto* revoke = keys->add_subcommand("revoke", "Remove a key; a running server stops taking it");
  revoke->add_option("key", options.name, "The key's id or name")->required();
  revoke->add_option("-c,--config", options.config_path, "YAML config file");
  return keys;
}

int RunKeys(CLI::App& keys_command, const KeysOptions& options) {
  try {
    const Config config = LoadConfig(options.config_path);
    KeyStore store(config.server.auth.ResolvedKeysFile());
    if (keys_command.got_subcommand("add")) {
      ApiKey key;
      const std::string secret =
          store.Add(options.name, options.scopes, options.rate_per_minute, &key);
      std::string scopes;
      for (const auto& s : key.scopes) scopes += (scopes.empty() ? "" : ",") + s;
      std::printf("%s\n", secret.c_str());
      std::fprintf(
          stderr,
          "added key %s '%s' (scopes %s%s) to %s\n"
          "the secret above is shown only now: clients send it as "
          "'Authorization: Bearer <key>'\n",
          key.id.c_str(), key.name.c_str(), scopes.c_str(),
          key.rate_per_minute ? (", " + std::to_string(key.rate_per_minute) + "/min").c_str() : "",
          store.path().c_str());
      return 0;
    }
    if (keys_command.got_subcommand("list")) {
      const auto keys = store.List();
      if (keys.empty()) std::fprintf(stderr, "no keys in %s\n", store.path().c_str());
      for (const auto& k : keys) {
        std::string scopes;
        for (const auto& s : k.scopes) scopes += (scopes.empty() ? "" : ",") + s;
        std::printf(
            "%s\t%s\t%s\t%s\t%s\n", k.id.c_str(), k.name.c_str(), scopes.c_str(),
            k.rate_per_minute ? (std::to_string(k.rate_per_minute) + "/min").c_str() : "unlimited",
            k.created.c_str());
      }
      return 0;
    }
    if (keys_command.got_subcommand("revoke")) {
      if (!store.Revoke(options.name)) {
        std::fprintf(stderr, "no key '%s' in %s\n", options.name.c_str(), store.path().c_str());
        return 1;
      }
      std::fprintf(stderr, "revoked '%s'\n", options.name.c_str());
      return 0;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "mirrorvox keys: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace mv
