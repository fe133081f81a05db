#pragma once

#include <string>
#include <vector>

#include "asr/asr-remote-config.h"

namespace mv {

struct AsrConfig {
  // Embedded: "pocketsphinx". Remote (clients of a recognition server):
  // "funasr", "wenet", "openai-transcriptions", "whisper-server".
  std::string engine = "pocketsphinx";
  // Remote engines: the language asked for ("auto" lets the server detect
  // it); a request may name another (/process_audio's `language`).
  std::string language = "en";
  // Decoders kept ready for concurrent requests (a decoder is not thread-safe).
  int pool_size = 2;
  // Live turns (realtime sessions) are recognised while the person speaks
  // where the engine decodes incrementally (pocketsphinx); false: after the
  // end of speech, as a whole clip.
  bool streaming = true;
  // pocketsphinx: folder holding en-us/, en-us.lm.bin, cmudict-en-us.dict.
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";
  // The remote engines' servers: asr.endpoints, asr.connect_timeout_ms, ...
  RemotePoolConfig remote = DefaultRemoteAsrPool();
  // wss:// and https:// endpoints: false accepts any certificate (FunASR
  // serves a self-signed one by default).
  bool verify_tls = true;
  FunAsrConfig funasr;
  WenetConfig wenet;
  OpenAiTranscriptionConfig openai;
  WhisperServerConfig whisper_server;

  // Throws mv::Error naming the offending key (e.g. "asr.pool_size").
  void Validate() const;
  std::string ToString() const;
  // Values CreateAsr() accepts for `engine`.
  static const std::vector<std::string>& KnownEngines();
  // A client of a recognition server.
  bool IsRemote() const;
};

}  // namespace mv
