// What the TTS server doubles (GPT-SoVITS, XTTS, OpenAI speech) share: real
// speech for the requested text (flite speaks it, so a test can transcribe
// the answer back and know the text reached the double), PCM cut at odd
// byte boundaries as real servers' chunks fall, generator threads kept off
// the HTTP server's I/O threads, and the single worker GPT-SoVITS has.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio-buffer.h"
#include "server/http-types.h"

namespace mvtest {

using FakeClock = std::chrono::steady_clock;

// `text` spoken by flite's `voice` at `rate` Hz; text flite cannot speak
// (no Latin letters) becomes a 440 Hz tone, 0.15 s per character.
mv::AudioBuffer FakeSpeech(const std::string& text, int rate, const std::string& voice = "slt");

// s16le bytes in pieces of about `piece_bytes`, every boundary inside a
// sample (odd offsets), the way TCP and HTTP chunking may cut them.
std::vector<std::string> OddPieces(const std::string& pcm, std::size_t piece_bytes);

// Seconds of audio in a decodable file (0 when it is not audio).
double AudioFileSeconds(const std::string& path);

// Keeps a port bound but not listening, so connections to it are refused
// (RST) and no other socket (another test's server, an outgoing connection)
// takes it while a double is "down".
class PortHold {
 public:
  ~PortHold() { Release(); }
  void Hold(const std::string& host, int port);  // best effort
  void Release();

 private:
  int fd_ = -1;
};

// Generator threads for responses, one per request, joined at Stop().
// Sleep() wakes early when the client hangs up or the double stops.
class SpeechWorkers {
 public:
  ~SpeechWorkers() { Stop(); }
  void Spawn(std::function<void()> fn);
  // Sleeps `ms`; false when the client went away or the double is stopping.
  bool Sleep(int ms, const mv::Responder& res);
  void Stop();   // wakes every sleeper and joins every thread
  void Reset();  // after Stop(): accepts new work again
  bool stopping() const;

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  mutable std::mutex mutex_;    // guards workers_ and stop_
  std::condition_variable cv_;  // stop_
  std::vector<Worker> workers_;
  bool stop_ = false;
};

// One request at a time, first come first served: GPT-SoVITS's api_v2 runs
// a single worker and a second request waits for the first.
class SerialGate {
 public:
  // False when `give_up` said so while waiting (checked every 5 ms).
  bool Enter(const std::function<bool()>& give_up);
  void Leave();

 private:
  std::mutex mutex_;                // guards queue_, next_id_ and busy_
  std::condition_variable cv_;      // the worker came free, or the queue moved
  std::list<unsigned long> queue_;  // waiting requests, first come first
  unsigned long next_id_ = 0;
  bool busy_ = false;
};

}  // namespace mvtest
