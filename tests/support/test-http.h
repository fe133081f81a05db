// A small blocking HTTP/1.1 client over POSIX sockets for tests: plain
// requests, chunked bodies, and reading a stream piece by piece (SSE) with the
// option to hang up mid-way, as a real client that goes away would.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mvtest {

struct HttpResult {
  int status = 0;                              // 0 = connection failed
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};

struct MultipartField {
  std::string name;
  std::string value;
  std::string filename;      // set for file fields
  std::string content_type;  // optional
};

// Returns false from on_data to hang up.
using DataCallback = std::function<bool(const std::string& piece)>;

HttpResult HttpRequest(const std::string& method, int port, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {},
                       DataCallback on_data = nullptr, int timeout_s = 120);

HttpResult HttpGet(int port, const std::string& path);
HttpResult HttpPostJson(int port, const std::string& path, const std::string& json);
HttpResult HttpPostMultipart(int port, const std::string& path,
                             const std::vector<MultipartField>& fields);
std::string BuildMultipart(const std::vector<MultipartField>& fields, const std::string& boundary);

// Sends raw bytes and returns whatever the server answers before closing
// (for malformed-request tests).
std::string RawExchange(int port, const std::string& bytes, int timeout_s = 10);

// Parses "data: ...\n\n" events from an SSE body.
std::vector<std::string> SseData(const std::string& body);

}  // namespace mvtest
