#include "config/config.h"

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

void CheckRange(const char* key, int value, int min, int max) {
  if (value < min || value > max) {
    Invalid(std::string(key) + ": must be between " + std::to_string(min) + " and " +
            std::to_string(max) + ", got " + std::to_string(value));
  }
}

// PipelineConfig has no .cc of its own; the segmenter re-checks its copy.
void ValidatePipeline(const PipelineConfig& p) {
  CheckRange("pipeline.first_min_chars", p.first_min_chars, 1, 1000);
  CheckRange("pipeline.min_chars", p.min_chars, 1, 1000);
  CheckRange("pipeline.max_chars", p.max_chars, 1, 10000);
  if (p.max_chars < p.min_chars || p.max_chars < p.first_min_chars) {
    Invalid(
        "pipeline.max_chars: must be at least pipeline.min_chars and pipeline.first_min_chars, "
        "got " +
        std::to_string(p.max_chars));
  }
  CheckRange("pipeline.output_sample_rate", p.output_sample_rate, 8000, 48000);
}

}  // namespace

void Config::Validate() const {
  try {
    server.Validate();
    audio.Validate();
    asr.Validate();
    tts.Validate();
    llm.Validate();
    voiceprint.Validate();
    library.Validate();
    ValidatePipeline(pipeline);
    realtime.Validate();
    tools.Validate();
  } catch (const Error& e) {
    // Section validators name the key; say which subsystem complained.
    const std::string message = e.what();
    if (message.rfind("config: ", 0) == 0) throw;
    throw Error(e.kind(), e.code(), "config: " + message);
  }
}

}  // namespace mv
