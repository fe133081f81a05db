#pragma once

#include <cstddef>
#include <string>

namespace mv {

// Limits applied to every audio upload before and while decoding.
struct AudioConfig {
  std::size_t max_bytes = 25u << 20;  // encoded size
  double max_seconds = 300.0;         // decoded duration
  // Sample rates a file may declare. Checked before decoding: a tiny file
  // at an absurd rate would otherwise decode into gigabytes.
  int min_sample_rate = 4000;
  int max_sample_rate = 192000;

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
