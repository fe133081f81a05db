// JSON text for answers. nlohmann's dump() throws on invalid UTF-8, and
// strings from clients or peers can hold any bytes: every answer is dumped
// with such bytes replaced (U+FFFD), so an error path can never throw.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mv {

inline std::string SafeDump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mv
