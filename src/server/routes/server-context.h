// What routes share: the resolved config, the loaded engines and the compute
// pool. Built once by `mirrorvox serve`; engines are shared by all requests.
#pragma once

#include <memory>

#include "asr/asr.h"
#include "common/thread-pool.h"
#include "config/config.h"
#include "llm/llm.h"
#include "tts/tts.h"

namespace mv {

struct ServerContext {
  Config config;
  std::unique_ptr<Asr> asr;
  std::unique_ptr<Tts> tts;
  std::unique_ptr<Llm> llm;
  std::unique_ptr<ThreadPool> compute;
};

}  // namespace mv
