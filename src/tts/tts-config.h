#pragma once

#include <map>
#include <string>
#include <vector>

namespace mv {

// The original GPT-SoVITS chat server's `GSV.*` keys, kept for the
// gpt-sovits engine.
struct GptSovitsConfig {
  std::string text_lang = "zh";
  std::string gpt_weight;
  std::string sovits_weight;
  std::string ref_audio_path;
  std::string prompt_text;
  std::string prompt_lang = "zh";
  std::vector<std::string> aux_ref_audio_paths;
  int seed = -1;
  int top_k = 15;
  int batch_size = 1;
};

struct RefAudio {
  std::string wav_path;
  std::string transcript;
};

struct TtsConfig {
  // "flite", "espeak", or empty: flite for English, espeak-ng otherwise.
  std::string engine;
  std::string language = "en";
  // flite: slt, rms, awb, kal16, kal; espeak-ng: any of its voice names (cmn, en, ...).
  std::string voice;
  // TTS jobs synthesised at once for one answer.
  int parallelism = 2;
  // Emotion tag -> reference audio ([tag]"text" in the LLM's reply).
  std::map<std::string, RefAudio> extra_ref_audio;
  GptSovitsConfig gpt_sovits;

  // Throws mv::Error naming the offending key (e.g. "tts.voice").
  void Validate() const;
  std::string ToString() const;
  // Values CreateTts() accepts for `engine` ("" = route by language).
  static const std::vector<std::string>& KnownEngines();
};

}  // namespace mv
