// A GPT-SoVITS api_v2 double (PROTOCOLS.md B1), on mv::HttpServer.
//
// POST /tts (JSON) and GET /tts (query) with api_v2's parameter checks: 400
// {"message": ...} for missing or unsupported values, 422 {"detail": [...]}
// for wrong types (streaming_mode an int when `bool_streaming_only`, as
// older servers take only a bool). The reference (ref_audio_path) is read
// from this host's disk: missing or outside 3-10 s -> 400 {"message": "tts
// failed", "Exception": ...} (the message in `locale`, as api_v2's i18n
// renders it); in streaming mode the answer has started before that check,
// so it is 200 and a connection dropped before one byte (Quirk). v3/v4
// refuse an empty prompt_text the same way. Streaming (streaming_mode >= 1, media_type
// wav): the head at once, after `first_chunk_ms` a 44-byte WAV header with
// data size 0 (RIFF size 36), then s16le pieces cut at odd byte offsets,
// `chunk_ms` apart; raw = PCM only; non-streaming = one whole WAV. Speech
// is flite reading the text (fake-tts-support.h), at the model version's
// rate: 32000 (v1, v2, v2Pro), 24000 (v3; 48000 with super_sampling), 48000
// (v4). One request at a time, like the real single worker: a second waits.
// GET /set_gpt_weights, /set_sovits_weights, /set_refer_audio -> {"message":
// "success"}, recorded. Faults: 500, the model failure quirk (streaming:
// 16000 zero samples, then the connection is cut; non-streaming: 200 and a
// WAV of exactly 1 s of zeros at 16 kHz), a stall; Refuse() stops listening.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/fake-tts-support.h"
#include "server/http-server.h"

namespace mvtest {

struct FakeGptSovitsOptions {
  std::string host = "127.0.0.1";
  int port = 0;                      // 0 = a free port
  std::string version = "v2";        // v1, v2, v2Pro, v3, v4: sets the sample rate
  int first_chunk_ms = 0;            // request served -> first audio (the head goes at once)
  int chunk_ms = 0;                  // between later pieces
  double chunk_seconds = 0.2;        // audio per piece (sizes are odd byte counts)
  std::string voice = "slt";         // flite voice that speaks the text
  bool bool_streaming_only = false;  // 422 for streaming_mode 2/3 (older api_v2)
  bool refuse_weights = false;       // 400 for set_*_weights
  std::string locale = "zh_CN";      // of the bad-reference message: zh_CN, zh_TW, ja_JP, en_US,
                                     // es_ES, fr_FR, pt_BR
};

enum class FakeGptSovitsFault {
  kNone,
  kHttp500,        // 500 "Internal Server Error" (an uncaught exception)
  kFailMidStream,  // model failure: after N pieces 16000 zeros and a cut; whole: 1 s of 16 kHz
                   // zeros
  kStall,          // never answers
};

struct FakeGptSovitsRequest {
  std::string method;
  std::string path;
  nlohmann::json params;  // the JSON body, or the query as strings
  FakeClock::time_point received;
  FakeClock::time_point started;      // the worker took it (serial)
  FakeClock::time_point first_audio;  // the first PCM bytes were written
  FakeClock::time_point finished;
  int status = 0;
  bool cut = false;  // ended by a fault mid-stream
};

class FakeGptSovitsServer {
 public:
  explicit FakeGptSovitsServer(FakeGptSovitsOptions options = {});
  ~FakeGptSovitsServer();
  FakeGptSovitsServer(const FakeGptSovitsServer&) = delete;
  FakeGptSovitsServer& operator=(const FakeGptSovitsServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  int sample_rate(bool super_sampling = false) const;

  FakeGptSovitsOptions options() const;
  void set_options(FakeGptSovitsOptions options);  // host and port are kept
  // The next `times` /tts requests (-1: all) fail this way.
  void SetFault(FakeGptSovitsFault fault, int after_pieces = 0, int times = -1);
  void Refuse();  // stop listening: connections are refused (the port stays reserved)
  void Resume();

  std::vector<FakeGptSovitsRequest> requests() const;  // /tts only, finished or not
  std::vector<std::string> texts() const;              // "text" of each /tts request
  // "/set_gpt_weights=<path>" style records of the weight calls, in order.
  std::vector<std::string> weight_calls() const;
  int max_in_flight() const;  // most /tts requests held at once (waiting included)

 private:
  void Listen();
  void Shutdown();
  void OnTts(std::shared_ptr<mv::HttpRequest> req, std::shared_ptr<mv::Responder> res);
  void Serve(int index, nlohmann::json params, std::shared_ptr<mv::Responder> res);
  void Finish(int index, int status, bool cut);
  void Mark(int index, FakeClock::time_point FakeGptSovitsRequest::*field);

  int port_ = 0;
  std::unique_ptr<mv::HttpServer> server_;
  PortHold hold_;  // while refusing
  SpeechWorkers workers_;
  SerialGate gate_;

  mutable std::mutex mutex_;  // guards everything below
  FakeGptSovitsOptions options_;
  FakeGptSovitsFault fault_ = FakeGptSovitsFault::kNone;
  int fault_after_ = 0;
  int fault_times_ = 0;
  std::vector<FakeGptSovitsRequest> requests_;
  std::vector<std::string> weight_calls_;
  std::vector<std::shared_ptr<mv::Responder>> held_;  // stalled responses
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

}  // namespace mvtest
