// Where the client's audio comes from and goes to: a file or a sound device.
// Both sides speak the wire format's rate, kClientRate (24 kHz mono float);
// adapters resample. The session logic (realtime-client.h) sees only these.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

namespace mv {

inline constexpr int kClientRate = 24000;

class AudioSource {
 public:
  virtual ~AudioSource() = default;
  // Blocks until the next chunk (20-40 ms at kClientRate); false at the end
  // of the input or after Stop(). Called from one thread.
  virtual bool Read(std::vector<float>& chunk) = 0;
  // Makes Read() return false soon; any thread.
  virtual void Stop() = 0;
  // True while the data is the input itself (false once a file's trailing
  // silence runs). Lets the client time out only after its turn was spoken.
  virtual bool speaking() const { return true; }
};

class AudioSink {
 public:
  virtual ~AudioSink() = default;
  // Queues answer audio at kClientRate. Any thread.
  virtual void Play(const float* samples, std::size_t n) = 0;
  // Drops everything queued and not yet heard (barge-in). Any thread.
  virtual void Flush() = 0;
  // Waits until everything queued was heard, or until `stop` turns true.
  virtual void Drain(const std::atomic<bool>& stop) { (void)stop; }
  // Ends the output (a file sink writes its file here). Throws mv::Error.
  virtual void Finish() {}
};

}  // namespace mv
