#pragma once

#include <string>
#include <vector>

namespace mv {

struct AsrConfig {
  std::string engine = "pocketsphinx";
  std::string language = "en";
  // Decoders kept ready for concurrent requests (a decoder is not thread-safe).
  int pool_size = 2;
  // pocketsphinx: folder holding en-us/, en-us.lm.bin, cmudict-en-us.dict.
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";

  // Throws mv::Error naming the offending key (e.g. "asr.pool_size").
  void Validate() const;
  std::string ToString() const;
  // Values CreateAsr() accepts for `engine`.
  static const std::vector<std::string>& KnownEngines();
};

}  // namespace mv
