#include "support/stalled-client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

namespace mvtest {

StalledClient::StalledClient(int port, const std::string& request, int receive_buffer) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  // Before connect(): the window scale is agreed in the handshake.
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return;
  }
  for (std::size_t off = 0; off < request.size();) {
    ssize_t n = send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return;
    }
    off += static_cast<std::size_t>(n);
  }
  fd_ = fd;
}

StalledClient::~StalledClient() {
  if (fd_ >= 0) close(fd_);
}

std::string StalledClient::ReadAll(int timeout_s) {
  std::string out;
  if (fd_ < 0) return out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool ParseResponse(const std::string& raw, int* status, std::string* head, std::string* body) {
  const std::size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.compare(0, 9, "HTTP/1.1 ") != 0) return false;
  *status = std::atoi(raw.c_str() + 9);
  *head = raw.substr(0, end);
  std::string lower = *head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  body->clear();
  std::size_t at = end + 4;
  if (lower.find("transfer-encoding: chunked") == std::string::npos) {
    *body = raw.substr(at);
    return true;
  }
  for (;;) {
    const std::size_t line = raw.find("\r\n", at);
    if (line == std::string::npos) return false;
    const std::size_t size = std::strtoul(raw.c_str() + at, nullptr, 16);
    at = line + 2;
    if (size == 0) return true;
    if (at + size + 2 > raw.size()) return false;
    body->append(raw, at, size);
    at += size + 2;
  }
}

}  // namespace mvtest
