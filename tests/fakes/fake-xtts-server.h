// XTTS server doubles (PROTOCOLS.md B2), on mv::HttpServer, both flavours.
//
// kApi (xtts-api-server): POST /tts_to_audio/ {text, speaker_wav, language}
// -> audio/wav 24 kHz; GET /tts_stream?text=&speaker_wav=&language= -> WAV
// header with data size 0, then s16le pieces cut at odd offsets; GET
// /speakers_list. speaker_wav must be a known speaker name or a readable
// file here: else /tts_to_audio/ answers 500 "Error: Speaker X not found."
// and /tts_stream 200 then a dropped connection, no byte (Quirk). Errors 500
// {"detail": "Error: ..."}, an unsupported language included (Quirk);
// /tts_stream answers a bad language 400 {"detail": ...}, and 400 "HTTP
// Streaming is only supported for local models." unless model_source is
// local (Quirk). streaming_mode: /tts_to_audio/ answers ~1 s of silence.
// kStreaming (xtts-streaming-server): POST /clone_speaker multipart
// wav_file -> {"gpt_cond_latent": [[...]], "speaker_embedding": [...]}
// (32x1024 and 512 values, derived from the clip, so the double knows which
// clip a later request's latents came from); POST /tts_stream {speaker_embedding,
// gpt_cond_latent, text, language, add_wav_header, stream_chunk_size} ->
// chunked WAV (header data size 0, then s16le 24 kHz); an unsupported
// language -> 500 "Internal Server Error" (an assertion in the model).
// Speech is flite reading the text. Faults as the GPT-SoVITS double's.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake-tts-support.h"
#include "server/http-server.h"

namespace mvtest {

enum class FakeXttsFlavor { kApi, kStreaming };

struct FakeXttsOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  FakeXttsFlavor flavor = FakeXttsFlavor::kApi;
  int first_chunk_ms = 0;
  int chunk_ms = 0;
  double chunk_seconds = 0.2;
  std::string voice = "slt";
  std::set<std::string> speakers = {"female", "male"};  // kApi: speaker_wav names
  // kApi: -ms local | api | apiManual; only local models stream (others: 400).
  std::string model_source = "local";
  // kApi started with --streaming-mode: /tts_to_audio/ plays on the server
  // and answers the stock ~1 s of silence.
  bool streaming_mode = false;
  std::set<std::string> languages = {"en", "es", "fr", "de",    "it", "pt", "pl", "tr", "ru",
                                     "nl", "cs", "ar", "zh-cn", "hu", "ko", "ja", "hi"};
};

enum class FakeXttsFault { kNone, kHttp500, kCutMidStream };

struct FakeXttsRequest {
  std::string method;
  std::string path;
  nlohmann::json params;  // JSON body (latents replaced by "voice"), or the query
  std::string voice;      // kStreaming: which cloned clip ("clip<N>"), or "?" for unknown latents
  int status = 0;
};

class FakeXttsServer {
 public:
  explicit FakeXttsServer(FakeXttsOptions options = {});
  ~FakeXttsServer();
  FakeXttsServer(const FakeXttsServer&) = delete;
  FakeXttsServer& operator=(const FakeXttsServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;
  static constexpr int kSampleRate = 24000;

  void SetFault(FakeXttsFault fault, int after_pieces = 0, int times = -1);
  void Refuse();
  void Resume();

  std::vector<FakeXttsRequest> requests() const;  // synthesis requests
  std::vector<std::string> texts() const;
  // kStreaming: clips received by /clone_speaker, in order (WAV bytes).
  std::vector<std::string> clones() const;

 private:
  void Listen();
  void Shutdown();
  void OnSynthesis(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res,
                   bool stream);
  void OnClone(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  PortHold hold_;  // while refusing
  SpeechWorkers workers_;

  mutable std::mutex mutex_;  // guards everything below
  FakeXttsOptions options_;
  FakeXttsFault fault_ = FakeXttsFault::kNone;
  int fault_after_ = 0;
  int fault_times_ = 0;
  std::vector<FakeXttsRequest> requests_;
  std::vector<std::string> clones_;
};

}  // namespace mvtest
