#include "net/multipart-writer.h"

#include <random>

namespace mv {
namespace {

// Names and file names go inside quotes: keep them from breaking out.
std::string Quoted(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\r' || c == '\n') continue;
    out += c;
  }
  return out;
}

}  // namespace

MultipartWriter::MultipartWriter() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  boundary_ = "mirrorvox-";
  for (int i = 0; i < 32; ++i) boundary_ += kHex[random() % 16];
}

void MultipartWriter::Head(std::string_view name, std::string_view extra) {
  body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + Quoted(name) + "\"";
  body_ += extra;
  body_ += "\r\n";
}

void MultipartWriter::AddField(std::string_view name, std::string_view value) {
  Head(name, "");
  body_ += "\r\n";
  body_ += value;
  body_ += "\r\n";
}

void MultipartWriter::AddFile(std::string_view name, std::string_view filename,
                              std::string_view content_type, std::string_view data) {
  Head(name, "; filename=\"" + Quoted(filename) + "\"");
  body_ += "Content-Type: ";
  body_ += content_type.empty() ? std::string_view("application/octet-stream") : content_type;
  body_ += "\r\n\r\n";
  body_ += data;
  body_ += "\r\n";
}

std::string MultipartWriter::content_type() const {
  return "multipart/form-data; boundary=" + boundary_;
}

std::string MultipartWriter::Finish() {
  body_ += "--" + boundary_ + "--\r\n";
  return std::move(body_);
}

}  // namespace mv
