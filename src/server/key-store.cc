#include "server/key-store.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/atomic-file.h"
#include "common/error.h"

namespace mv {
namespace {

std::string Hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
  return Hex(digest, n);
}

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1)
    throw Error(ErrorKind::kInternal, "no_randomness", "OpenSSL could not generate random bytes");
  return Hex(buf.data(), bytes);
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_size);
}

// Equal-time comparison, so a response's timing says nothing about a digest.
bool SameDigest(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

bool ApiKey::Allows(std::string_view scope) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& s) { return s == scope || s == "admin"; });
}

const std::vector<std::string>& KeyStore::Scopes() {
  static const std::vector<std::string> scopes = {"chat", "voices:read", "voices:write", "admin"};
  return scopes;
}

KeyStore::KeyStore(std::string path) : path_(std::move(path)) {}

void KeyStore::Refresh(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - checked_ < std::chrono::seconds(1)) return;
  checked_ = now;
  const std::string stamp = FileStamp(path_);
  if (!force && stamp == stamp_) return;
  stamp_ = stamp;
  keys_.clear();
  if (stamp.empty()) return;  // no file: no keys
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j["keys"].is_array()) {
    // Refusing every key is the safe reading of a damaged file.
    spdlog::error("API keys file {} is not valid: no key is accepted until it is fixed", path_);
    keys_.push_back(ApiKey{"", "", "invalid", {}, 0, ""});
    return;
  }
  for (const auto& k : j["keys"]) {
    if (!k.is_object()) continue;
    ApiKey key;
    key.id = k.value("id", "");
    key.name = k.value("name", "");
    key.sha256 = k.value("sha256", "");
    key.rate_per_minute = k.value("rate_per_minute", 0);
    key.created = k.value("created", "");
    if (k.contains("scopes") && k["scopes"].is_array())
      for (const auto& s : k["scopes"])
        if (s.is_string()) key.scopes.push_back(s.get<std::string>());
    if (key.sha256.size() == 64) keys_.push_back(std::move(key));
  }
}

void KeyStore::Save() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& k : keys_) {
    list.push_back({{"id", k.id},
                    {"name", k.name},
                    {"sha256", k.sha256},
                    {"scopes", k.scopes},
                    {"rate_per_minute", k.rate_per_minute},
                    {"created", k.created}});
  }
  const std::filesystem::path file(path_);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  ReplaceFileAtomically(path_, nlohmann::json{{"keys", list}}.dump(2) + "\n");
  chmod(path_.c_str(), 0600);
  stamp_ = FileStamp(path_);
}

std::string KeyStore::Add(const std::string& name, std::vector<std::string> scopes,
                          int rate_per_minute, ApiKey* added) {
  if (name.empty() || name.size() > 64 || name.find_first_of("\r\n\t\"\\") != std::string::npos)
    throw Error(ErrorKind::kInvalidInput, "bad_name",
                "a key needs a name of 1-64 characters without quotes or control characters");
  if (scopes.empty()) scopes = {"chat"};
  for (const auto& s : scopes)
    if (std::find(Scopes().begin(), Scopes().end(), s) == Scopes().end())
      throw Error(ErrorKind::kInvalidInput, "bad_scope",
                  "unknown scope '" + s + "' (chat, voices:read, voices:write, admin)");
  if (rate_per_minute < 0)
    throw Error(ErrorKind::kInvalidInput, "bad_rate", "the rate limit must be >= 0 per minute");
  std::lock_guard lock(mutex_);
  Refresh(true);
  for (const auto& k : keys_)
    if (k.name == name)
      throw Error(ErrorKind::kInvalidInput, "exists", "a key named '" + name + "' exists already");
  const std::string secret = "mvk-" + RandomHex(24);
  ApiKey key{"k" + RandomHex(4), name,    Sha256Hex(secret), std::move(scopes),
             rate_per_minute,    UtcNow()};
  keys_.push_back(key);
  Save();
  if (added) *added = key;
  return secret;
}

bool KeyStore::Revoke(const std::string& id_or_name) {
  std::lock_guard lock(mutex_);
  Refresh(true);
  const auto before = keys_.size();
  std::erase_if(keys_, [&](const ApiKey& k) { return k.id == id_or_name || k.name == id_or_name; });
  if (keys_.size() == before) return false;
  Save();
  return true;
}

std::vector<ApiKey> KeyStore::List() {
  std::lock_guard lock(mutex_);
  Refresh(true);
  return keys_;
}

bool KeyStore::Empty() {
  std::lock_guard lock(mutex_);
  Refresh(false);
  return keys_.empty();
}

std::optional<ApiKey> KeyStore::Find(std::string_view secret) {
  if (secret.empty() || secret.size() > 256) return std::nullopt;
  const std::string digest = Sha256Hex(secret);
  std::lock_guard lock(mutex_);
  Refresh(false);
  std::optional<ApiKey> found;
  for (const auto& k : keys_)
    if (SameDigest(k.sha256, digest)) found = k;
  return found;
}

}  // namespace mv
