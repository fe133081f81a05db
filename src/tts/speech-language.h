// Language names as each remote TTS server wants them, and a guess at the
// language of a reference transcript from its script.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// "ja" (kana), "ko" (Hangul), "zh" (Han only), "en" (Latin letters), or ""
// (nothing to go on).
std::string ScriptLanguage(std::string_view text);

// GPT-SoVITS api_v2 text_lang / prompt_lang: "en", "en-US", "english" ->
// "en"; "zh", "zh-CN", "cmn", "chinese" -> "zh"; ja, ko, yue and api_v2's own
// codes (all_zh, auto_yue...) as they are; anything else "auto".
std::string GptSovitsLanguage(std::string_view language);

// XTTS: "zh"/"cmn"/"chinese" -> "zh-cn", "english" -> "en", "en-US" -> "en";
// other codes lower-cased (the server says which it refuses).
std::string XttsLanguage(std::string_view language);

// XTTS v2's 17 languages (XttsLanguage() codes): en es fr de it pt pl tr ru
// nl cs ar zh-cn hu ko ja hi.
bool IsXttsLanguage(std::string_view code);

}  // namespace mv
