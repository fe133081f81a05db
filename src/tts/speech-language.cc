#include "tts/speech-language.h"

#include "tts/tts-names.h"

namespace mv {
namespace {

// The first subtag: "en-US" -> "en", "zh_cn" -> "zh".
std::string Primary(std::string_view language) {
  std::string lower = tts_internal::LowerAscii(std::string(language));
  return lower.substr(0, lower.find_first_of("-_"));
}

}  // namespace

std::string ScriptLanguage(std::string_view text) {
  bool han = false, latin = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    char32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0 && i + 3 < text.size()) {
      cp = ((c & 0x07u) << 18) | ((text[i + 1] & 0x3Fu) << 12) | ((text[i + 2] & 0x3Fu) << 6) |
           (text[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < text.size()) {
      cp = ((c & 0x0Fu) << 12) | ((text[i + 1] & 0x3Fu) << 6) | (text[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < text.size()) {
      cp = ((c & 0x1Fu) << 6) | (text[i + 1] & 0x3Fu);
      len = 2;
    }
    i += len;
    if (cp >= 0x3040 && cp <= 0x30FF) return "ja";  // hiragana, katakana
    if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF)) return "ko";
    han |= (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
    latin |= (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  return han ? "zh" : latin ? "en" : "";
}

std::string GptSovitsLanguage(std::string_view language) {
  const std::string lower = tts_internal::LowerAscii(std::string(language));
  for (const char* own :
       {"auto", "en", "zh", "ja", "yue", "ko", "all_zh", "all_ja", "all_yue", "all_ko", "auto_yue"})
    if (lower == own) return lower;
  const std::string p = Primary(language);
  if (p == "en" || p == "english") return "en";
  if (p == "zh" || p == "cmn" || p == "chinese" || p == "mandarin") return "zh";
  if (p == "ja" || p == "japanese") return "ja";
  if (p == "ko" || p == "korean") return "ko";
  if (p == "yue" || p == "cantonese") return "yue";
  return "auto";
}

std::string XttsLanguage(std::string_view language) {
  const std::string lower = tts_internal::LowerAscii(std::string(language));
  const std::string p = Primary(language);
  if (p == "zh" || p == "cmn" || p == "chinese" || p == "mandarin") return "zh-cn";
  if (p == "english") return "en";
  if (lower.find_first_of("-_") != std::string::npos) return p;
  return lower;
}

bool IsXttsLanguage(std::string_view code) {
  for (const char* l : {"en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar",
                        "zh-cn", "hu", "ko", "ja", "hi"})
    if (code == l) return true;
  return false;
}

}  // namespace mv
