// Typed errors: the only exceptions that cross an engine or module boundary.
// Each HTTP route has one exception boundary that maps Error to a JSON body
// and the status HttpStatus() gives.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace mv {

enum class ErrorKind {
  kInvalidInput,  // the caller sent something we cannot use (400)
  kTooLarge,      // over a configured byte or duration limit (413)
  kUnsupported,   // well-formed but not something we handle (415/422)
  kForbidden,     // e.g. the voiceprint gate refused the speaker (403)
  kNotFound,      // (404)
  kCancelled,     // the client went away or barged in (499)
  kTimeout,       // an upstream did not answer in time (504)
  kUnavailable,   // an upstream or engine is down (503)
  kUpstream,      // an upstream answered with an error (502)
  kInternal,      // a bug or an engine failure we did not expect (500)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, const std::string& message)
      : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}

  ErrorKind kind() const { return kind_; }
  // Short machine-readable reason, e.g. "not_audio", "truncated", "bad_base64".
  const std::string& code() const { return code_; }
  int HttpStatus() const;
  static const char* KindName(ErrorKind kind);

 private:
  ErrorKind kind_;
  std::string code_;
};

// The Error a caught exception stands for (non-null `e`): an Error as it
// is, any other exception kInternal `code` with its what().
Error AsError(std::exception_ptr e, const std::string& code = "internal");

}  // namespace mv
