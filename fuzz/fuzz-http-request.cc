#include <cstdlib>
#include <string>

#include "fuzz-target.h"
#include "server/access-control.h"
#include "server/http-server.h"

// Raw request bytes through the server's own parser configuration, request
// conversion and access decision (origins, keys, CORS, 404/405 texts): any
// throw, crash or sanitizer report is a bug one connection could trigger.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mv::HttpServerOptions options = [] {
    mv::HttpServerOptions o;
    o.max_body_bytes = 1 << 16;
    mv::ServerConfig server;
    server.cors_origins = {"https://app.example"};
    server.auth.keys_file = "/nonexistent/mirrorvox-fuzz/keys.json";
    o.access = std::make_shared<mv::AccessControl>(server);
    return o;
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const int status = mv::HttpServer::ParseForFuzzing(bytes, options);
  if (status != 0 && (status < 200 || status > 599)) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  const std::string big(70000, 't');
  return {
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8001\r\n\r\n",
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\nX-T: trailer\r\n\r\n",
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + big +
          "\r\n\r\n",
      "OPTIONS /v1/models HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example\r\n"
      "Access-Control-Request-Headers: authorization\r\n\r\n",
      "GET /nosuch%ff HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.example\r\n\r\n",
      "GET /v1/realtime HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: "
      "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Protocol: realtime, openai-insecure-api-key.mvk-0\r\n\r\n",
      "POST /api/chat HTTP/1.1\r\nHost: evil.example:8001\r\nAuthorization: Bearer mvk-x\r\n"
      "Content-Length: 2\r\n\r\n{}",
  };
}
