#include "common/client-text.h"

#include "common/error.h"

namespace mv {
namespace {

// Length of the well-formed UTF-8 sequence at `s[i]`, or 0.
std::size_t SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string QuotableText(std::string_view text, std::size_t max_chars) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (chars >= max_chars) {
      out += "...";
      break;
    }
    const std::size_t n = SequenceLength(text, i);
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7F))) {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

bool IsServerSide(const Error& e) {
  const ErrorKind k = e.kind();
  return k == ErrorKind::kTimeout || k == ErrorKind::kUnavailable || k == ErrorKind::kUpstream ||
         k == ErrorKind::kInternal;
}

std::string ClientMessage(const Error& e) {
  const std::string& code = e.code();
  if (code == "no_llm_endpoint") return "no language model is configured on this server";
  if (code == "llm_failed" || code == "llm_unavailable")
    return "the language model is not answering";
  if (code == "session_limit") return QuotableText(e.what(), 200);
  switch (e.kind()) {
    case ErrorKind::kTimeout:
      return "an upstream service did not answer in time";
    case ErrorKind::kUnavailable:
      return "a service this request needs is unavailable";
    case ErrorKind::kUpstream:
      return "an upstream service failed";
    case ErrorKind::kInternal:
      return "internal error";
    default:
      return QuotableText(e.what(), 300);
  }
}

}  // namespace mv
