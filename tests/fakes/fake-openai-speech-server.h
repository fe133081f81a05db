// An OpenAI-compatible speech double (PROTOCOLS.md B5: POST /v1/audio/speech,
// as OpenAI and Kokoro-FastAPI serve it), on mv::HttpServer.
//
// {model, input (<= 4096 chars), voice, response_format, speed}; pcm = raw
// 24 kHz s16le streamed in pieces cut at odd offsets (`first_chunk_ms`,
// `chunk_ms` apart); wav = one whole WAV. Authorization: Bearer `key` when
// set (401 otherwise); unknown model -> 404, unknown voice / bad format /
// long input -> 400; errors are {"error": {"message", "type", "param",
// "code"}}. Speech is flite reading the input. Faults: 500, a cut mid-stream.
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

struct FakeOpenAiSpeechOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string key;  // "" = no Authorization needed
  std::set<std::string> models = {"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "kokoro"};
  std::set<std::string> voices = {"alloy", "echo", "fable", "onyx", "nova", "shimmer", "af_heart"};
  int first_chunk_ms = 0;
  int chunk_ms = 0;
  double chunk_seconds = 0.2;
  std::string flite_voice = "slt";
};

enum class FakeOpenAiSpeechFault { kNone, kHttp500, kCutMidStream };

struct FakeOpenAiSpeechRequest {
  std::map<std::string, std::string> headers;
  nlohmann::json body;
  int status = 0;
};

class FakeOpenAiSpeechServer {
 public:
  explicit FakeOpenAiSpeechServer(FakeOpenAiSpeechOptions options = {});
  ~FakeOpenAiSpeechServer();
  FakeOpenAiSpeechServer(const FakeOpenAiSpeechServer&) = delete;
  FakeOpenAiSpeechServer& operator=(const FakeOpenAiSpeechServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT/v1"
  static constexpr int kSampleRate = 24000;

  void SetFault(FakeOpenAiSpeechFault fault, int after_pieces = 0, int times = -1);
  void Refuse();
  void Resume();

  std::vector<FakeOpenAiSpeechRequest> requests() const;
  std::vector<std::string> texts() const;  // "input" of each request

 private:
  void Listen();
  void Shutdown();
  void OnSpeech(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  PortHold hold_;  // while refusing
  SpeechWorkers workers_;

  mutable std::mutex mutex_;  // guards everything below
  FakeOpenAiSpeechOptions options_;
  FakeOpenAiSpeechFault fault_ = FakeOpenAiSpeechFault::kNone;
  int fault_after_ = 0;
  int fault_times_ = 0;
  std::vector<FakeOpenAiSpeechRequest> requests_;
};

}  // namespace mvtest
