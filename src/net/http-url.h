// The parts of an http:// or https:// URL a client needs to connect.
#pragma once

#include <string>
#include <string_view>

namespace mv {

struct HttpUrl {
  bool tls = false;
  std::string host;      // name or IP, IPv6 without brackets
  int port = 0;          // explicit or the scheme's default
  std::string target;    // path + "?" + query as sent on the request line, never empty
  std::string userinfo;  // "user:password" (still percent-encoded), or ""

  // Throws mv::Error(kInvalidInput, "bad_url") with the reason.
  static HttpUrl Parse(std::string_view url);
  // Value of the Host header: the port only when not the default.
  std::string HostHeader() const;
  // "host:port" for messages ("[::1]:8080" for IPv6).
  std::string Authority() const;
  bool host_is_ip() const;
};

}  // namespace mv
