#include "net/http-url.h"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Bad(std::string_view url, const std::string& why) {
  throw Error(ErrorKind::kInvalidInput, "bad_url",
              "invalid URL '" + std::string(url) + "': " + why);
}

}  // namespace

HttpUrl HttpUrl::Parse(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) Bad(text, parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  HttpUrl url;
  std::string scheme(u.scheme());
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    url.tls = true;
  } else if (scheme != "http") {
    Bad(text, "scheme must be http or https");
  }
  if (!u.has_authority() || u.encoded_host().empty()) Bad(text, "no host");
  url.host = u.host_address();
  if (u.has_port()) {
    std::string_view p = u.port();
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || end != p.data() + p.size() || port <= 0 || port > 65535)
      Bad(text, "port must be 1-65535");
    url.port = port;
  } else {
    url.port = url.tls ? 443 : 80;
  }
  url.target = std::string(u.encoded_path());
  if (url.target.empty()) url.target = "/";
  // Boost.URL 1.81 reads "h:12ab/" as port 12 and path "ab/".
  if (url.target[0] != '/') Bad(text, "bad port or path");
  if (u.has_query()) url.target += "?" + std::string(u.encoded_query());
  if (u.has_userinfo()) url.userinfo = std::string(u.encoded_userinfo());
  return url;
}

bool HttpUrl::host_is_ip() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::string HttpUrl::Authority() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpUrl::HostHeader() const {
  bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

}  // namespace mv
