// Client of the FunASR runtime WebSocket server (PROTOCOLS.md B3): one
// connection per clip. A JSON start frame (asr.funasr.*), the audio as s16le
// frames, {"is_speaking": false}; then the answer. The server's is_final
// flag is unreliable (the C++ and Python servers disagree), so the end is
// decided by the result's mode and our own is_speaking state: the first
// *offline result after the end of the audio is the final one (texts of
// earlier offline results, i.e. earlier speech segments, come before it);
// 2pass-online partials are ignored. In online mode the pieces are joined
// once the server has been quiet for half a second after the end.
// FunASR never reports an error: a setting it rejects makes it silent, which
// ends in a kTimeout that says so.
#pragma once

#include <memory>
#include <string>

#include "asr/asr-remote.h"

namespace mv {

class AsrFunAsr : public AsrRemote {
 public:
  explicit AsrFunAsr(const AsrConfig& config, std::shared_ptr<HttpClient> http = nullptr);

 protected:
  std::string Attempt(const std::string& url, const AudioBuffer& audio, const std::string& language,
                      const CancelToken& cancel) override;
};

}  // namespace mv
