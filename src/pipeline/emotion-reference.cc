#include "pipeline/emotion-reference.h"

namespace mv {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

}  // namespace

const RefAudio* SelectReference(const std::map<std::string, RefAudio>& extra_ref_audio,
                                std::string_view emotion) {
  if (emotion.empty()) return nullptr;
  if (auto it = extra_ref_audio.find(std::string(emotion)); it != extra_ref_audio.end()) {
    return &it->second;
  }
  for (const auto& [tag, ref] : extra_ref_audio) {
    if (EqualsIgnoreAsciiCase(tag, emotion)) return &ref;
  }
  return nullptr;
}

}  // namespace mv
