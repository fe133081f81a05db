#include "support/test-http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>

namespace mvtest {
namespace {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads more bytes; false on EOF, error or timeout.
bool ReadMore(int fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
  if (left <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char tmp[16384];
  ssize_t n = recv(fd, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf.append(tmp, static_cast<size_t>(n));
  return true;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

HttpResult HttpRequest(const std::string& method, int port, const std::string& path,
                       const std::string& body, const std::map<std::string, std::string>& headers,
                       DataCallback on_data, int timeout_s) {
  HttpResult result;
  int fd = Connect(port);
  if (fd < 0) {
    result.error = "connect failed";
    return result;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    if (Lower(k) == "content-type") has_type = true;
  }
  if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!SendAll(fd, req)) {
    close(fd);
    result.error = "send failed";
    return result;
  }
  std::string buf;
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, buf, deadline)) {
      close(fd);
      result.error = "no response head";
      return result;
    }
  }
  std::string head = buf.substr(0, header_end);
  buf.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() > 12) result.status = std::atoi(status_line.c_str() + 9);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      result.headers[Lower(line.substr(0, colon))] = v;
    }
    pos = e + 2;
  }
  bool chunked = Lower(result.headers["transfer-encoding"]).find("chunked") != std::string::npos;
  auto deliver = [&](const std::string& piece) {
    result.body += piece;
    return !on_data || on_data(piece);
  };
  if (chunked) {
    for (;;) {
      size_t e;
      while ((e = buf.find("\r\n")) == std::string::npos)
        if (!ReadMore(fd, buf, deadline)) goto done;
      size_t size = std::strtoul(buf.substr(0, e).c_str(), nullptr, 16);
      buf.erase(0, e + 2);
      if (size == 0) break;
      while (buf.size() < size + 2)
        if (!ReadMore(fd, buf, deadline)) goto done;
      std::string piece = buf.substr(0, size);
      buf.erase(0, size + 2);
      if (!deliver(piece)) {
        result.error = "hung up";
        break;
      }
    }
  } else if (result.headers.count("content-length")) {
    size_t len = std::stoul(result.headers["content-length"]);
    while (buf.size() < len)
      if (!ReadMore(fd, buf, deadline)) break;
    deliver(buf.substr(0, std::min(len, buf.size())));
  } else {
    while (ReadMore(fd, buf, deadline)) {
    }
    deliver(buf);
  }
done:
  close(fd);
  return result;
}

HttpResult HttpGet(int port, const std::string& path) { return HttpRequest("GET", port, path); }

HttpResult HttpPostJson(int port, const std::string& path, const std::string& json) {
  return HttpRequest("POST", port, path, json, {{"Content-Type", "application/json"}});
}

std::string BuildMultipart(const std::vector<MultipartField>& fields, const std::string& boundary) {
  std::string out;
  for (const auto& f : fields) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"";
    if (!f.filename.empty()) out += "; filename=\"" + f.filename + "\"";
    out += "\r\n";
    if (!f.content_type.empty()) out += "Content-Type: " + f.content_type + "\r\n";
    out += "\r\n" + f.value + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

HttpResult HttpPostMultipart(int port, const std::string& path,
                             const std::vector<MultipartField>& fields) {
  const std::string boundary = "----mvtestboundary7MA4YWxkTrZu0gW";
  return HttpRequest("POST", port, path, BuildMultipart(fields, boundary),
                     {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
}

std::string RawExchange(int port, const std::string& bytes, int timeout_s) {
  int fd = Connect(port);
  if (fd < 0) return {};
  SendAll(fd, bytes);
  shutdown(fd, SHUT_WR);
  std::string buf;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (ReadMore(fd, buf, deadline)) {
  }
  close(fd);
  return buf;
}

std::vector<std::string> SseData(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t e = body.find("\n\n", pos);
    if (e == std::string::npos) e = body.size();
    std::string event = body.substr(pos, e - pos);
    size_t lp = 0;
    while (lp < event.size()) {
      size_t le = event.find('\n', lp);
      if (le == std::string::npos) le = event.size();
      std::string line = event.substr(lp, le - lp);
      if (line.rfind("data:", 0) == 0) {
        std::string v = line.substr(5);
        if (!v.empty() && v[0] == ' ') v.erase(0, 1);
        out.push_back(v);
      }
      lp = le + 1;
    }
    pos = e + 2;
  }
  return out;
}

}  // namespace mvtest
