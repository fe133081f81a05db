// The client side of TLS shared by HttpClient and WebSocketClient: one
// context per CA file, SNI + OpenSSL's own name check, and handshake errors
// that say what went wrong (self-signed certificate, plain server).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "net/http-url.h"

namespace mv {

// The system CA store plus `ca_file` when given; cached for the process
// (contexts are immutable once made). Throws mv::Error for a bad CA file.
std::shared_ptr<boost::asio::ssl::context> ClientTlsContext(const std::string& ca_file);

// Before the handshake: SNI for host names, and with `verify` the peer
// certificate checked against the URL's host name or IP address.
void PrepareClientTls(SSL* handle, const HttpUrl& url, bool verify);

// "TLS handshake with <authority> failed: <why>"; `plain_scheme` ("http",
// "ws") is named when the server seems not to speak TLS at all.
std::string DescribeTlsFailure(SSL* handle, const boost::system::error_code& ec,
                               const std::string& authority, const char* plain_scheme);

}  // namespace mv
