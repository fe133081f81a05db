// The kind of the mv::Error `fn` throws (a test failure when it throws none).
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"

namespace mv::test {

inline ErrorKind KindOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no mv::Error thrown";
  return ErrorKind::kInternal;
}

}  // namespace mv::test
