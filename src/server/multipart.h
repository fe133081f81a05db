// multipart/form-data parsing (RFC 7578) for audio uploads: /process_audio,
// /v1/audio/transcriptions, voice enrolment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct FormPart {
  std::string name;
  std::string filename;      // "" for plain fields
  std::string content_type;  // "" when not given
  std::string data;
};

class MultipartForm {
 public:
  // Throws mv::Error kInvalidInput "bad_multipart" naming what is wrong.
  static MultipartForm Parse(std::string_view content_type_header, std::string_view body);

  const FormPart* Find(std::string_view name) const;
  // The field's value, or nullopt when absent.
  std::optional<std::string> Value(std::string_view name) const;
  const std::vector<FormPart>& parts() const { return parts_; }

 private:
  std::vector<FormPart> parts_;
};

}  // namespace mv
