#include "config/config.h"

#include "common/error.h"

namespace mv {

void Config::Validate() const {
  try {
    server.Validate();
    audio.Validate();
    asr.Validate();
    tts.Validate();
    llm.Validate();
    voiceprint.Validate();
  } catch (const Error& e) {
    // Section validators name the key; say which subsystem complained.
    const std::string message = e.what();
    if (message.rfind("config: ", 0) == 0) throw;
    throw Error(e.kind(), e.code(), "config: " + message);
  }
}

}  // namespace mv
