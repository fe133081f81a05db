// Client of the WeNet runtime WebSocket server (PROTOCOLS.md B4): one
// connection per clip. {"signal": "start", "nbest", "continuous_decoding"},
// the audio as s16le frames, {"signal": "end"}; the answer is the
// final_result sentences (several with continuous decoding, joined) up to
// speech_end. Each result's nbest is a JSON string holding a JSON array
// (decoded twice). {"status": "failed", "message"} ends the attempt with
// kUpstream. Without continuous decoding the server stops at the first
// pause and drops the connection: audio it never read is not an error once
// the result is in.
#pragma once

#include <memory>
#include <string>

#include "asr/asr-remote.h"

namespace mv {

class AsrWenet : public AsrRemote {
 public:
  explicit AsrWenet(const AsrConfig& config, std::shared_ptr<HttpClient> http = nullptr);

 protected:
  std::string Attempt(const std::string& url, const AudioBuffer& audio, const std::string& language,
                      const CancelToken& cancel) override;
};

}  // namespace mv
