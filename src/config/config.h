// The whole resolved configuration: a YAML file (mirrorvox's own keys or the
// original GPT-SoVITS chat server's config.yaml), then MIRRORVOX_* environment
// overrides, then validation.
#pragma once

#include <string>
#include <vector>

#include "asr/asr-config.h"
#include "audio/audio-config.h"
#include "llm/llm-config.h"
#include "realtime/realtime-config.h"
#include "server/server-config.h"
#include "tools/tools-config.h"
#include "tts/tts-config.h"
#include "voice/voice-library-config.h"
#include "voice/voiceprint-config.h"

namespace mv {

// How replies are cut and spoken (see pipeline/segmenter.h for the rules).
struct PipelineConfig {
  // Only text inside ASCII double quotes is spoken (the original's mode).
  bool speak_only_quoted = false;
  bool drop_parentheses = true;  // (stage directions) are not spoken
  bool drop_urls = true;         // bare scheme:// URLs are not spoken
  // The first segment ends at the first clause punctuation, so audio starts
  // early; false = whole sentences only (the original design).
  bool early_first_segment = true;
  int first_min_chars = 3;  // units (a CJK character or a word)
  int min_chars = 10;
  int max_chars = 100;
  // Rate of audio assembled from several segments (/process_audio).
  int output_sample_rate = 24000;
};

struct Config {
  ServerConfig server;
  AudioConfig audio;
  AsrConfig asr;
  TtsConfig tts;
  LlmConfig llm;
  VoiceprintConfig voiceprint;
  VoiceLibraryConfig library;
  PipelineConfig pipeline;
  RealtimeConfig realtime;
  ToolsConfig tools;
  std::string source;  // where it came from, for messages
  // Notes from loading (ignored keys of the original format, ...). LoadConfig
  // has already logged them; `config check` prints them again.
  std::vector<std::string> warnings;

  // Validates every section; throws mv::Error (kInvalidInput, "bad_config")
  // whose message starts "config: " and names the offending key.
  void Validate() const;
};

}  // namespace mv
