// Plain request/response types: routes see these, never Beast.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel-token.h"

namespace mv {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path + "?" + query
  std::string path;    // percent-decoded path
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;  // "ip:port"

  // Header value by lower-case name, or "" when absent.
  std::string Header(std::string_view lower_name) const;
  std::optional<std::string> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Json(int status, std::string body);
  // {"error": {"message", "type", "code"}} — the one error shape of our API.
  static HttpResponse Error(int status, std::string_view type, std::string_view code,
                            std::string_view message);
};

// Completes one request. Thread-safe: routes hand it to compute threads and
// call it from there. Either Send() once, or StartStream() then Write()*
// then End(). `cancel` fires when the client disconnects; Write() returns
// false once the client is gone.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void Send(HttpResponse response) = 0;
  // Streams with chunked transfer encoding.
  virtual void StartStream(int status, std::string content_type,
                           std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
  virtual bool Write(std::string chunk) = 0;
  virtual void End() = 0;
  // Bytes queued but not yet written to the socket (for back-pressure).
  virtual std::size_t Pending() const = 0;
  // Back-pressure (see OutputGate): true when more than `limit` bytes are
  // pending; `resume` then runs once (on an I/O thread) when at most `limit`
  // are, or when the client has gone. False, dropping `resume`, otherwise.
  virtual bool WaitForDrain(std::size_t limit, std::function<void()> resume) = 0;
  const CancelToken& cancel() const { return cancel_; }

 protected:
  CancelToken cancel_;
};

}  // namespace mv
