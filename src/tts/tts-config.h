#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/remote-pool.h"
#include "tts/tts-remote-config.h"

namespace mv {

// The gpt-sovits engine (GPT-SoVITS api_v2, PROTOCOLS.md B1). The first
// fields are the original chat server's `GSV.*` keys; the rest are api_v2's
// other request fields (defaults as api_v2's) and the shared folder.
struct GptSovitsConfig {
  // "" = the request's language (tts.language unless a route names another).
  std::string text_lang;
  std::string gpt_weight;      // on the TTS host; sent to /set_gpt_weights at start-up
  std::string sovits_weight;   // on the TTS host; sent to /set_sovits_weights
  std::string ref_audio_path;  // the default voice, a path on the TTS host
  std::string prompt_text;
  std::string prompt_lang;  // "" = from prompt_text's script (zh, ja, ko, else en)
  std::vector<std::string> aux_ref_audio_paths;
  int seed = -1;
  int top_k = 15;
  int batch_size = 1;
  double top_p = 1.0;
  double temperature = 1.0;
  std::string text_split_method = "cut5";
  double batch_threshold = 0.75;
  bool split_bucket = true;
  double speed_factor = 1.0;
  double fragment_interval = 0.3;
  // auto: 3 (fastest), falling back to true on servers that only take a
  // bool; 0/false: whole WAV per request; 1/true, 2, 3: streamed.
  std::string streaming_mode = "auto";
  bool parallel_infer = true;
  double repetition_penalty = 1.35;
  int sample_steps = 32;
  bool super_sampling = false;
  // Reference clips (mirror voice, emotions, library voices) are written to
  // share_dir and sent as share_dir_remote/<file>: the same folder as the
  // TTS host sees it (NFS, SMB, a bind mount; equal when on one host).
  std::string share_dir;
  std::string share_dir_remote;

  void Validate() const;  // names "tts.gpt_sovits.<key>"
};

struct RefAudio {
  std::string wav_path;
  std::string transcript;
};

struct TtsConfig {
  // "flite", "espeak", or empty: flite for English, espeak-ng otherwise.
  // Remote (clients of a TTS server): "gpt-sovits", "xtts", "openai-speech".
  std::string engine;
  std::string language = "en";
  // flite: slt, rms, awb, kal16, kal; espeak-ng: any of its voice names (cmn, en, ...).
  std::string voice;
  // TTS jobs synthesised at once for one answer.
  int parallelism = 2;
  // Emotion tag -> reference audio ([tag]"text" in the LLM's reply).
  std::map<std::string, RefAudio> extra_ref_audio;
  GptSovitsConfig gpt_sovits;
  XttsConfig xtts;
  OpenAiSpeechConfig openai_speech;
  // The remote engines' servers: tts.endpoints, tts.connect_timeout_ms, ...
  RemotePoolConfig remote = DefaultRemoteTtsPool();

  // Throws mv::Error naming the offending key (e.g. "tts.voice").
  void Validate() const;
  std::string ToString() const;
  // Values CreateTts() accepts for `engine` ("" = route by language).
  static const std::vector<std::string>& KnownEngines();
  // A client of a TTS server (it clones voices itself; no voice matching).
  bool IsRemote() const;
};

}  // namespace mv
