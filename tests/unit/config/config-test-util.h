// Helpers shared by the config tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "common/error.h"
#include "config/config-loader.h"

namespace mv::testing {

// A YAML file in the temp folder, removed when the test ends.
class TempYaml {
 public:
  explicit TempYaml(const std::string& text) {
    static std::atomic<int> counter{0};
    path_ =
        (std::filesystem::temp_directory_path() / ("mv-config-test-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(counter++) + ".yaml"))
            .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempYaml() { std::filesystem::remove(path_); }
  TempYaml(const TempYaml&) = delete;
  TempYaml& operator=(const TempYaml&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using Env = std::map<std::string, std::string>;

inline Config LoadText(const std::string& text, const Env& env = {}) {
  TempYaml file(text);
  return LoadConfig(file.path(), env);
}

// The message of the mv::Error `fn` throws, or "" when it throws nothing.
inline std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline std::string LoadError(const std::string& text, const Env& env = {}) {
  return ErrorOf([&] { LoadText(text, env); });
}

inline std::string DataPath(const std::string& name) {
  return std::string(MV_SOURCE_DIR) + "/tests/data/" + name;
}

}  // namespace mv::testing
