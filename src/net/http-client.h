// HTTP/1.1 client for upstream engines (LLM, remote TTS/ASR): http:// and
// https://, streaming bodies, per-phase timeouts, cancellation that closes
// the socket at once. Boost.Beast stays inside http-client.cc.
//
// Threading: requests run on the threads of a NetIo (net/net-io.h): the
// runtime's one network I/O context, shared by every client, or a private
// one. Callbacks of one request are serialized and run on an I/O thread:
// keep them short, never block in them, and never call Fetch() from them.
// Ownership: destroying the client cancels every request in flight (each
// still gets its on_complete) and drops pending RunAfter() deadlines, and
// returns once none of its callbacks can run any more, so never destroy it
// from one of its own callbacks.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel-token.h"
#include "common/error.h"

namespace mv {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http://host[:port]/path?query or https://...
  // Sent as given; Host, Content-Length and User-Agent are added when absent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // 0 disables a timeout.
  int connect_timeout_ms = 10000;          // DNS + TCP connect + TLS handshake
  int first_byte_timeout_ms = 30000;       // request written -> response head read
  int idle_timeout_ms = 60000;             // longest silence between body bytes
  std::size_t max_body_bytes = 64u << 20;  // 0 = unlimited; over it fails kTooLarge
  // https only: false accepts any certificate (self-signed local servers).
  bool verify_tls = true;
  // https only: PEM file of extra trusted CAs, on top of the system store.
  std::string ca_file;
};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // Header value by lower-case name, or "" when absent.
  std::string Header(std::string_view lower_name) const;
};

struct ClientCallbacks {
  // Once, when the status line and headers have arrived.
  std::function<void(int status, const std::map<std::string, std::string>& headers)> on_head;
  // Body bytes as they arrive (chunked encoding already removed).
  std::function<void(std::string_view data)> on_data;
  // Exactly once: nullopt after a complete body, else why it failed.
  // Error kinds: kInvalidInput (bad URL), kUnavailable (DNS, connect, TLS),
  // kTimeout, kCancelled, kTooLarge, kUpstream (connection lost mid-way).
  std::function<void(std::optional<Error> error)> on_complete;
};

class NetIo;
class TimerQueue;

class HttpClient {
 public:
  // On a private NetIo with `io_threads` threads (tests, the CLI).
  explicit HttpClient(int io_threads = 1);
  // On a shared NetIo, which must outlive the client.
  explicit HttpClient(std::shared_ptr<NetIo> net);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The I/O context the requests run on, for WebSocket connections and
  // timers of the same engine.
  const std::shared_ptr<NetIo>& io() const;

  // Starts a request and returns at once. Cancelling `cancel` closes the
  // connection immediately; on_complete then reports kCancelled and no
  // on_data follows the cancel.
  void Stream(ClientRequest request, CancelToken cancel, ClientCallbacks callbacks);

  // Blocking form for compute threads: the whole body, up to
  // request.max_body_bytes. Any status is returned; transport failures throw
  // mv::Error (kinds as in ClientCallbacks::on_complete).
  ClientResponse Fetch(const ClientRequest& request, const CancelToken& cancel = CancelToken());
  // Fetch() without waiting: `done` runs once, on an I/O thread, with the
  // whole answer (any status) or the error.
  using FetchDone = std::function<void(ClientResponse response, std::optional<Error> error)>;
  void FetchAsync(ClientRequest request, CancelToken cancel, FetchDone done);

  // Runs `fn` on an I/O thread after `delay_ms`, unless the client is
  // destroyed first. For deadlines only the caller's protocol knows (e.g. an
  // LLM's first token).
  void RunAfter(int delay_ms, std::function<void()> fn);

  // Requests in flight (for tests and stats).
  int active() const;

 private:
  struct Impl;
  std::unique_ptr<TimerQueue> timers_;  // RunAfter(); stopped first
  std::shared_ptr<Impl> impl_;
};

}  // namespace mv
