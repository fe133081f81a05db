#pragma once

#include <cstddef>
#include <string>

namespace mv {

// Limits applied to every audio upload before and while decoding.
struct AudioConfig {
  std::size_t max_bytes = 25u << 20;  // encoded size
  double max_seconds = 300.0;         // decoded duration

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
