// API keys for server.auth: kept hashed (SHA-256 of a 192-bit random key,
// so a stolen file yields nothing usable) in one JSON file written
// atomically. `mirrorvox keys` edits the file; a running server re-reads it
// when it changes, so an added or revoked key counts within a second.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct ApiKey {
  std::string id;                   // short public handle ("k3f9a1c2"), for list / revoke
  std::string name;                 // the owner's label
  std::string sha256;               // hex digest of the secret
  std::vector<std::string> scopes;  // chat, voices:read, voices:write, admin
  int rate_per_minute = 0;          // 0 = unlimited
  std::string created;              // UTC, ISO 8601

  // admin grants every scope.
  bool Allows(std::string_view scope) const;
};

class KeyStore {
 public:
  static const std::vector<std::string>& Scopes();

  explicit KeyStore(std::string path);

  // Makes a key and stores its hash; returns the secret, which exists only
  // in this return value. Throws mv::Error kInvalidInput for an unknown
  // scope or an empty/duplicate name.
  std::string Add(const std::string& name, std::vector<std::string> scopes, int rate_per_minute,
                  ApiKey* added = nullptr);
  // By id or name; false when there is no such key.
  bool Revoke(const std::string& id_or_name);
  std::vector<ApiKey> List();
  bool Empty();
  // The key with this secret, or nullopt. Thread-safe.
  std::optional<ApiKey> Find(std::string_view secret);

  const std::string& path() const { return path_; }

 private:
  // Re-reads the file when its mtime or size changed, at most once a second.
  void Refresh(bool force);
  void Save();

  std::string path_;
  std::mutex mutex_;  // guards keys_, stamp_, checked_
  std::vector<ApiKey> keys_;
  std::string stamp_;  // mtime + size of the file as last read
  std::chrono::steady_clock::time_point checked_{};
};

}  // namespace mv
