// The network I/O context the tests' own WebSocket connections run on (the
// server has its own): two threads, gone at exit.
#pragma once

#include "net/net-io.h"

namespace mv {

inline NetIo& TestNet() {
  static NetIo io(2);
  return io;
}

}  // namespace mv
