// Settings of the remote ASR engines (clients of a recognition server), and
// the defaults of the endpoint pool they share (asr.endpoints, ...).
#pragma once

#include <string>
#include <vector>

#include "net/remote-pool.h"

namespace mv {

// asr.funasr: FunASR runtime WebSocket server (PROTOCOLS.md B3).
struct FunAsrConfig {
  // offline: the whole clip, one answer (funasr-wss-server); 2pass: streaming
  // partials, then the offline pass (funasr-wss-server-2pass); online:
  // streaming only.
  std::string mode = "offline";
  // Look-back, chunk, look-ahead in 60 ms units: exactly 3 with a non-zero
  // middle, or the server silently answers nothing.
  std::vector<int> chunk_size = {5, 10, 5};
  // Audio frames are 60 ms * chunk_size[1] / chunk_interval (the reference
  // client's stride; 60 ms for the defaults).
  int chunk_interval = 10;
  // As the server takes them: a JSON object string {"word": weight, ...} or
  // words separated by spaces; "" = none. Bad JSON makes the server silent.
  std::string hotwords;
  bool itn = true;  // inverse text normalisation ("one hundred" -> "100")

  void Validate() const;  // names "asr.funasr.<key>"
};

// asr.wenet: WeNet runtime websocket_server_main (PROTOCOLS.md B4).
struct WenetConfig {
  int nbest = 1;
  // Several sentences, one per endpoint the decoder detects, concatenated;
  // false: the server stops at the first pause.
  bool continuous_decoding = false;

  void Validate() const;  // names "asr.wenet.<key>"
};

// asr.openai: POST /v1/audio/transcriptions (PROTOCOLS.md B5): OpenAI,
// faster-whisper-server / speaches, LocalAI, vLLM...
struct OpenAiTranscriptionConfig {
  std::string model = "whisper-1";
  std::string key;     // secret: masked when printed
  std::string prompt;  // style or vocabulary hint; "" = none

  void Validate() const;  // names "asr.openai.<key>"
};

// asr.whisper_server: whisper.cpp's examples/server (PROTOCOLS.md B6).
struct WhisperServerConfig {
  double temperature = 0.0;

  void Validate() const;  // names "asr.whisper_server.<key>"
};

// 3 s connect, 30 s for the answer after the audio is sent, 15 s of silence
// mid-stream, 10 s cool-down after one failure, pool name "asr"; health
// checks are the engine's (whisper-server: /health).
RemotePoolConfig DefaultRemoteAsrPool();

}  // namespace mv
