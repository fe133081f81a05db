#include "server/multipart.h"

#include <cctype>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Bad(const std::string& why) {
  throw Error(ErrorKind::kInvalidInput, "bad_multipart", "malformed multipart/form-data: " + why);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Value of `key` in a header like `form-data; name="audio"; filename="a.wav"`.
std::optional<std::string> Param(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    // A ';' inside quotes does not end the parameter.
    size_t q = header.find('"', pos);
    if (q != std::string_view::npos && q < semi) {
      size_t close = header.find('"', q + 1);
      while (close != std::string_view::npos && header[close - 1] == '\\')
        close = header.find('"', close + 1);
      semi = close == std::string_view::npos ? std::string_view::npos : header.find(';', close);
    }
    std::string_view item = Trim(header.substr(pos, semi == std::string_view::npos ? semi : semi - pos));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && Lower(Trim(item.substr(0, eq))) == key) {
      std::string_view v = Trim(item.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        std::string out;
        for (size_t i = 1; i + 1 < v.size(); ++i) {
          if (v[i] == '\\' && i + 2 < v.size()) ++i;
          out += v[i];
        }
        return out;
      }
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return std::nullopt;
}

}  // namespace

MultipartForm MultipartForm::Parse(std::string_view content_type, std::string_view body) {
  if (Lower(Trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data")
    throw Error(ErrorKind::kInvalidInput, "bad_content_type",
                "expected Content-Type multipart/form-data, got '" + std::string(content_type) + "'");
  auto boundary = Param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) Bad("missing or bad boundary");
  const std::string delimiter = "--" + *boundary;

  MultipartForm form;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) Bad("boundary not found in body");
  pos += delimiter.size();
  for (;;) {
    if (body.substr(pos, 2) == "--") return form;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") Bad("expected CRLF after boundary");
    pos += 2;
    size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) Bad("part headers not terminated");
    FormPart part;
    std::string_view head = body.substr(pos, head_end - pos);
    bool has_disposition = false;
    size_t lp = 0;
    while (lp <= head.size()) {
      size_t le = head.find("\r\n", lp);
      std::string_view line = head.substr(lp, le == std::string_view::npos ? le : le - lp);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = Lower(Trim(line.substr(0, colon)));
        std::string_view value = Trim(line.substr(colon + 1));
        if (name == "content-disposition") {
          has_disposition = true;
          part.name = Param(value, "name").value_or("");
          part.filename = Param(value, "filename").value_or("");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      if (le == std::string_view::npos) break;
      lp = le + 2;
    }
    if (!has_disposition || part.name.empty()) Bad("part without a Content-Disposition name");
    size_t data_start = head_end + 4;
    size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) Bad("part '" + part.name + "' is not terminated (truncated upload?)");
    part.data = std::string(body.substr(data_start, next - data_start));
    form.parts_.push_back(std::move(part));
    pos = next + 2 + delimiter.size();
    if (form.parts_.size() > 64) Bad("too many parts");
  }
}

const FormPart* MultipartForm::Find(std::string_view name) const {
  for (const auto& p : parts_)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<std::string> MultipartForm::Value(std::string_view name) const {
  const FormPart* p = Find(name);
  if (!p) return std::nullopt;
  return p->data;
}

}  // namespace mv
