// A client that sends its request and then does not read, with a small
// receive buffer so the kernel holds little for it: the server's own queue
// is what fills. ReadAll() later takes the whole response, as a client that
// was only slow would.
#pragma once

#include <string>

namespace mvtest {

class StalledClient {
 public:
  // Connects to 127.0.0.1:port with SO_RCVBUF = `receive_buffer` bytes and
  // sends `request` (raw HTTP). ok() says whether that worked.
  StalledClient(int port, const std::string& request, int receive_buffer = 4096);
  ~StalledClient();
  StalledClient(const StalledClient&) = delete;
  StalledClient& operator=(const StalledClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Everything until the server closes (send "Connection: close"), or
  // timeout_s; the raw bytes, head included.
  std::string ReadAll(int timeout_s = 120);

 private:
  int fd_ = -1;
};

// Splits a raw HTTP response into status, head and the de-chunked body
// (a body without chunked encoding is returned as is). False when malformed
// or incomplete (no last chunk).
bool ParseResponse(const std::string& raw, int* status, std::string* head, std::string* body);

}  // namespace mvtest
