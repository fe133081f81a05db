// A pool config of endpoints nobody listens on (attempts are functions or
// coroutines of the test), with the given max_concurrency each.
#pragma once

#include <string>
#include <vector>

#include "net/remote-pool.h"

namespace mv::test {

inline RemotePoolConfig PoolConfig(std::vector<int> limits) {
  RemotePoolConfig c;
  for (std::size_t i = 0; i < limits.size(); ++i)
    c.endpoints.push_back({"http://127.0.0.1:" + std::to_string(1 + i), limits[i]});
  c.cooldown_ms = 60000;
  c.health_path = "";
  return c;
}

}  // namespace mv::test
