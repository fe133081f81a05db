// A FunASR runtime WebSocket server double (PROTOCOLS.md B3), on
// mv::HttpServer::RouteWebSocket, modelled on funasr-wss-server-2pass: the
// first text frame sets mode / wav_name / chunk_size / hotwords / itn;
// binary frames are s16le PCM; {"is_speaking": false} asks for the answer.
// Quirks kept: a chunk_size that is not 3 integers with a non-zero middle,
// or a first frame that is not JSON, makes it silent for the rest of the
// session (no error frame ever); the server never closes the connection;
// is_final is unreliable: the "cpp" flavour sends every offline result with
// is_final false (partials false, the online-mode last piece true), the
// "python" flavour inverts every flag.
//
// 2pass: a 2pass-online partial (text "partial", which a client must not
// keep) for every 600 ms of audio, then one 2pass-offline result. online:
// the words as "online" pieces. offline: one "offline" result. The text is
// the received audio transcribed with pocketsphinx, or a fixed reply.
// Sessions run on threads of their own, never on the server's I/O threads.
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

enum class FunAsrFlavour { kCpp, kPython };

struct FakeFunAsrOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = a free port
  FunAsrFlavour flavour = FunAsrFlavour::kCpp;
  std::string reply;   // "" = transcribe the audio received
  int latency_ms = 0;  // end of audio -> the answer (decoding time)
};

enum class FakeFunAsrFault {
  kNone,
  kSilent,  // takes everything, never answers (as after a setting it rejects)
  kDrop,    // drops the TCP connection when the audio ends, no close frame
};

struct FakeFunAsrSession {
  nlohmann::json start;  // the first text frame, null if it was not JSON
  std::size_t audio_bytes = 0;
  int binary_frames = 0;
  bool got_end = false;  // {"is_speaking": false}
  std::vector<nlohmann::json> sent;
  bool client_closed = false;  // the client ended the connection
};

class FakeFunAsrServer {
 public:
  explicit FakeFunAsrServer(FakeFunAsrOptions options = {});
  ~FakeFunAsrServer();
  FakeFunAsrServer(const FakeFunAsrServer&) = delete;
  FakeFunAsrServer& operator=(const FakeFunAsrServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // "ws://127.0.0.1:PORT"

  FakeFunAsrOptions options() const;
  void set_options(FakeFunAsrOptions options);  // host and port are kept
  // The next `times` sessions (-1: all, until cleared) fail this way.
  void SetFault(FakeFunAsrFault fault, int times = -1);
  void ClearFault() { SetFault(FakeFunAsrFault::kNone); }

  // Stops listening (connections are refused, sessions cut); listens again
  // on the same port.
  void Refuse();
  void Resume();

  std::vector<FakeFunAsrSession> sessions() const;
  // Waits up to timeout_ms until every session seen so far has been closed
  // by its client.
  bool WaitClientsClosed(int timeout_ms) const;

 private:
  void Listen();
  void Shutdown();
  void Serve(std::shared_ptr<mv::WebSocketSession> ws, int index);
  void Send(mv::WebSocketSession& ws, int index, const nlohmann::json& message);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  FakeWorkers workers_;

  mutable std::mutex mutex_;            // guards everything below
  mutable std::condition_variable cv_;  // sessions_ changed
  FakeFunAsrOptions options_;
  FakeFunAsrFault fault_ = FakeFunAsrFault::kNone;
  int fault_times_ = 0;
  std::vector<FakeFunAsrSession> sessions_;
};

}  // namespace mvtest
