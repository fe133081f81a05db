// Settings of the xtts and openai-speech engines (gpt-sovits keeps its own
// struct next to TtsConfig for the original's GSV.* keys), and the defaults
// of the endpoint pool every remote TTS engine uses.
#pragma once

#include <string>

#include "net/remote-pool.h"

namespace mv {

// PROTOCOLS.md B2: xtts-api-server ("api") or xtts-streaming-server ("streaming").
struct XttsConfig {
  std::string server = "api";
  // The default voice. api: a speaker_wav the server knows (a name in its
  // speakers folder, e.g. "female", or a .wav path on the TTS host).
  // streaming: a local WAV file, cloned once through /clone_speaker.
  std::string speaker;
  // api: GET /tts_stream (audio as it is made) or POST /tts_to_audio/ (whole).
  bool stream = true;
  int stream_chunk_size = 20;  // streaming: tokens per chunk (smaller = earlier audio)
  // api: reference clips go here, sent as share_dir_remote/<file> (as for gpt-sovits).
  std::string share_dir;
  std::string share_dir_remote;

  void Validate() const;  // names "tts.xtts.<key>"
};

// PROTOCOLS.md B5 POST /v1/audio/speech: OpenAI, Kokoro-FastAPI, openedai-speech...
// The voice is tts.voice (default "alloy").
struct OpenAiSpeechConfig {
  std::string model = "tts-1";
  std::string key;                      // secret: masked when printed
  std::string response_format = "pcm";  // pcm (raw, streams) or wav
  double speed = 1.0;                   // 0.25-4.0
  int pcm_sample_rate = 24000;          // of response_format pcm

  void Validate() const;  // names "tts.openai_speech.<key>"
};

// 3 s connect, 15 s to the first byte and between bytes, 10 s cool-down
// after one failure, health check "/" (any answer below 500: the server is
// up; GPT-SoVITS has no health route), pool name "tts".
RemotePoolConfig DefaultRemoteTtsPool();

}  // namespace mv
