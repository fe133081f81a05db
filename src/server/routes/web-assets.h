// The web client's files (web/), compiled into the binary at build time by
// cmake/embed-web.cmake. The data is static and lives as long as the program.
#pragma once

#include <span>
#include <string_view>

namespace mv {

struct WebAsset {
  std::string_view name;  // file name inside web/, e.g. "app.js"
  std::string_view data;
};

// Every embedded file, sorted by name.
std::span<const WebAsset> WebAssets();

}  // namespace mv
