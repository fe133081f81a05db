#pragma once

#include <string>
#include <vector>

namespace mv {

// The original's Core.sv.{is_up, master_audio, thr} map onto this.
struct VoiceprintConfig {
  bool enabled = false;
  double threshold = 0.0;  // 0 = the encoder's calibrated default
  std::vector<std::string> owners;  // enrolment audio files

  void Validate() const;
  std::string ToString() const;
};

}  // namespace mv
