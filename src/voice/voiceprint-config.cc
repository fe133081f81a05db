#include "voice/voiceprint-config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_config", message);
}

}  // namespace

void VoiceprintConfig::Validate() const {
  // Cosine similarity of speaker embeddings; 0 asks for the encoder's default.
  if (!std::isfinite(threshold) || threshold < 0.0 || threshold > 1.0) {
    std::ostringstream got;
    got << threshold;
    Invalid("voiceprint.threshold: must be between 0 and 1 (0 = the encoder's default), got " +
            got.str());
  }
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (owners[i].empty()) {
      Invalid("voiceprint.owners[" + std::to_string(i) +
              "]: must be a path to an enrolment audio file, got an empty string");
    }
  }
  if (enabled && owners.empty()) {
    Invalid(
        "voiceprint.owners: must list at least one enrolment audio file when "
        "voiceprint.enabled is true");
  }
  encoder.Validate();
  if (reject_body != "null" && reject_body != "None")
    Invalid("voiceprint.reject_body: must be null or \"None\", got \"" + reject_body + "\"");
  if (!prompt_template.empty() && prompt_template.find("{name}") == std::string::npos) {
    Invalid("voiceprint.prompt_template: must contain {name} (or be empty), got \"" +
            prompt_template + "\"");
  }
}

std::string VoiceprintConfig::RenderPrompt(const std::string& name) const {
  std::string out = prompt_template;
  for (std::size_t at = out.find("{name}"); at != std::string::npos;
       at = out.find("{name}", at + name.size())) {
    out.replace(at, 6, name);
  }
  return out;
}

std::string VoiceprintConfig::ToString() const {
  std::ostringstream os;
  os << "VoiceprintConfig(enabled=" << (enabled ? "true" : "false") << ", threshold=" << threshold
     << ", owners=[";
  for (std::size_t i = 0; i < owners.size(); ++i) os << (i ? ", " : "") << '"' << owners[i] << '"';
  os << "], " << encoder.ToString() << ", identify=" << (identify ? "true" : "false")
     << ", prompt_template=\"" << prompt_template << "\", reject_body=" << reject_body << ")";
  return os.str();
}

}  // namespace mv
