// HTTP doubles of the two file-upload transcription APIs, on mv::HttpServer:
//
// kOpenAi (PROTOCOLS.md B5): POST /v1/audio/transcriptions, multipart
//   `file` (a file name with an extension is required), `model` (required),
//   `language`, `prompt`, `response_format` json|text|verbose_json;
//   Authorization: Bearer <key> checked when a key is set. Errors
//   {"error": {"message", "type", "param", "code"}}.
// kWhisperCpp (B6, whisper.cpp examples/server): POST /inference, multipart
//   `file` (+ language, temperature, response_format); {"text": ...} with
//   whisper's leading space; errors {"error": "..."} 400/500. One request at
//   a time: others wait their turn (max_in_flight() tells whether a client
//   ever overlapped). GET /health {"status": "ok"}, 503 while "loading".
//
// The text is the uploaded audio transcribed with pocketsphinx, or a fixed
// reply. Answers are produced on threads of their own (latency, stalls).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake-workers.h"
#include "server/http-server.h"

namespace mvtest {

enum class TranscriptionApi { kOpenAi, kWhisperCpp };

struct FakeTranscriptionOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = a free port
  TranscriptionApi api = TranscriptionApi::kOpenAi;
  std::string key;       // kOpenAi: the Bearer key required; "" = any
  std::string reply;     // "" = transcribe the uploaded audio
  int latency_ms = 0;    // request -> answer
  bool loading = false;  // kWhisperCpp: /health answers 503
};

enum class FakeTranscriptionFault {
  kNone,
  kHttp500,  // the API's 500 error shape
  kHttp429,  // kOpenAi rate limit
  kHttp400,  // the request is refused as invalid
  kStall,    // never answers
};

struct FakeTranscriptionRequest {
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> fields;   // plain form fields
  std::string filename;                        // of the `file` part
  std::string file_type;                       // its Content-Type
  std::size_t file_bytes = 0;
};

class FakeTranscriptionServer {
 public:
  explicit FakeTranscriptionServer(FakeTranscriptionOptions options = {});
  ~FakeTranscriptionServer();
  FakeTranscriptionServer(const FakeTranscriptionServer&) = delete;
  FakeTranscriptionServer& operator=(const FakeTranscriptionServer&) = delete;

  int port() const { return port_; }
  // kOpenAi: "http://127.0.0.1:PORT/v1"; kWhisperCpp: "http://127.0.0.1:PORT".
  std::string url() const;

  FakeTranscriptionOptions options() const;
  void set_options(FakeTranscriptionOptions options);  // host, port and api are kept
  void SetFault(FakeTranscriptionFault fault, int times = -1);
  void ClearFault() { SetFault(FakeTranscriptionFault::kNone); }
  void Refuse();
  void Resume();

  std::vector<FakeTranscriptionRequest> requests() const;
  int max_in_flight() const;  // most requests being answered at once

 private:
  void Listen();
  void Shutdown();
  void OnTranscribe(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res);
  void Answer(const mv::HttpRequest& req, std::shared_ptr<mv::Responder> responder,
              FakeTranscriptionFault fault, const FakeTranscriptionOptions& opt);
  mv::HttpResponse Error(int status, const std::string& message, const std::string& type,
                         const std::string& code) const;

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  FakeWorkers workers_;
  std::mutex decode_mutex_;  // whisper.cpp's: one inference at a time

  mutable std::mutex mutex_;  // guards everything below
  FakeTranscriptionOptions options_;
  FakeTranscriptionFault fault_ = FakeTranscriptionFault::kNone;
  int fault_times_ = 0;
  std::vector<FakeTranscriptionRequest> requests_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::vector<std::shared_ptr<mv::Responder>> held_;  // stalled answers
};

}  // namespace mvtest
