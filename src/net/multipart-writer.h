// Builds a multipart/form-data request body (RFC 7578) for upstream HTTP
// APIs that take file uploads (/v1/audio/transcriptions, whisper.cpp's
// /inference).
#pragma once

#include <string>
#include <string_view>

namespace mv {

class MultipartWriter {
 public:
  // A random boundary, so no payload contains it by accident.
  MultipartWriter();

  void AddField(std::string_view name, std::string_view value);
  void AddFile(std::string_view name, std::string_view filename, std::string_view content_type,
               std::string_view data);

  // The Content-Type header value, with the boundary.
  std::string content_type() const;
  // The body, closed; the writer is spent afterwards.
  std::string Finish();

 private:
  void Head(std::string_view name, std::string_view extra);

  std::string boundary_;
  std::string body_;
};

}  // namespace mv
