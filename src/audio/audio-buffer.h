// Mono float PCM in [-1, 1] at a known rate: the one audio type passed
// between stages. Engines state the rate they want; callers resample.
#pragma once

#include <cstddef>
#include <vector>

namespace mv {

struct AudioBuffer {
  std::vector<float> samples;
  int sample_rate = 16000;

  double DurationSeconds() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
  bool empty() const { return samples.empty(); }
};

}  // namespace mv
