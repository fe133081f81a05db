#include "common/error.h"

namespace mv {

int Error::HttpStatus() const {
  switch (kind_) {
    case ErrorKind::kInvalidInput: return 400;
    case ErrorKind::kTooLarge: return 413;
    case ErrorKind::kUnsupported: return 415;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kCancelled: return 499;
    case ErrorKind::kTimeout: return 504;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kUpstream: return 502;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

const char* Error::KindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid_request_error";
    case ErrorKind::kTooLarge: return "too_large";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kCancelled: return "cancelled";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kUpstream: return "upstream_error";
    case ErrorKind::kInternal: return "internal_error";
  }
  return "internal_error";
}

Error AsError(std::exception_ptr e, const std::string& code) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& error) {
    return error;
  } catch (const std::exception& other) {
    return Error(ErrorKind::kInternal, code, other.what());
  } catch (...) {
    return Error(ErrorKind::kInternal, code, "unknown exception");
  }
}

}  // namespace mv
