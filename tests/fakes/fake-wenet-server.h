// A WeNet runtime WebSocket server double (PROTOCOLS.md B4), on
// mv::HttpServer::RouteWebSocket, modelled on websocket_server_main:
// {"signal": "start", "nbest", "continuous_decoding"} -> server_ready;
// binary s16le PCM -> a partial_result per second of audio; {"signal":
// "end"} -> final_result(s) and speech_end, then the connection is dropped
// without a close frame. Quirks kept: nbest is a JSON *string* holding a
// JSON array [{"sentence", "word_pieces"}]; errors (a non-integer nbest, a
// non-boolean continuous_decoding, an unknown signal, audio before start)
// are {"status": "failed", "message"} followed by a close. With
// continuous_decoding the transcript comes as two final_results (one per
// "pause"); without it, stop_after_audio_ms makes the server answer at that
// point, as at a detected pause, and drop the connection on the next frame.
// The text is the received audio transcribed with pocketsphinx, or a fixed
// reply. Sessions run on threads of their own.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/fake-workers.h"
#include "server/http-server.h"

namespace mvtest {

struct FakeWenetOptions {
  std::string host = "127.0.0.1";
  int port = 0;                 // 0 = a free port
  std::string reply;            // "" = transcribe the audio received
  int latency_ms = 0;           // end of audio -> the final result
  int stop_after_audio_ms = 0;  // > 0: answer at this much audio (no continuous decoding)
};

enum class FakeWenetFault {
  kNone,
  kFailed,  // {"status": "failed", "message": "decoder error"} + close at the end signal
  kSilent,  // takes everything, never answers
  kDrop,    // drops the TCP connection at the end signal
};

struct FakeWenetSession {
  nlohmann::json start;  // the start signal
  std::size_t audio_bytes = 0;
  bool got_end = false;
  std::vector<nlohmann::json> sent;
};

class FakeWenetServer {
 public:
  explicit FakeWenetServer(FakeWenetOptions options = {});
  ~FakeWenetServer();
  FakeWenetServer(const FakeWenetServer&) = delete;
  FakeWenetServer& operator=(const FakeWenetServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // "ws://127.0.0.1:PORT"

  FakeWenetOptions options() const;
  void set_options(FakeWenetOptions options);  // host and port are kept
  void SetFault(FakeWenetFault fault, int times = -1);
  void ClearFault() { SetFault(FakeWenetFault::kNone); }
  void Refuse();
  void Resume();

  std::vector<FakeWenetSession> sessions() const;

 private:
  void Listen();
  void Shutdown();
  void Serve(std::shared_ptr<mv::WebSocketSession> ws, int index);
  void Send(mv::WebSocketSession& ws, int index, const nlohmann::json& message);
  void Fail(mv::WebSocketSession& ws, int index, const std::string& message);
  void Answer(mv::WebSocketSession& ws, int index, const std::string& pcm, bool continuous,
              int nbest, const FakeWenetOptions& opt);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  FakeWorkers workers_;

  mutable std::mutex mutex_;  // guards everything below
  FakeWenetOptions options_;
  FakeWenetFault fault_ = FakeWenetFault::kNone;
  int fault_times_ = 0;
  std::vector<FakeWenetSession> sessions_;
};

}  // namespace mvtest
