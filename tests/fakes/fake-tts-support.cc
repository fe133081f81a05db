#include "fakes/fake-tts-support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/error.h"
#include "tts/tts-flite.h"

namespace mvtest {

namespace {

mv::AudioBuffer Speak(const std::string& text, int rate, const std::string& voice) {
  mv::AudioBuffer speech;
  bool latin = false;
  for (char c : text) latin |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (latin) {
    mv::TtsConfig config;
    config.engine = "flite";
    config.voice = voice;
    mv::TtsFlite flite(config);
    mv::TtsRequest request;
    request.text = text;
    request.language = "en";
    speech = flite.SynthesizeAll(request);
  }
  if (speech.samples.empty()) {
    // Roughly a CJK syllable per character.
    speech.sample_rate = rate;
    const auto n =
        static_cast<std::size_t>(0.15 * rate * std::max<std::size_t>(1, text.size() / 3));
    for (std::size_t i = 0; i < n; ++i)
      speech.samples.push_back(0.3f * static_cast<float>(std::sin(2 * M_PI * 440.0 * i / rate)));
    return speech;
  }
  return mv::Resample(speech, rate);
}

}  // namespace

mv::AudioBuffer FakeSpeech(const std::string& text, int rate, const std::string& voice) {
  // Benchmarks ask for the same sentences over and over.
  static std::mutex mutex;  // guards cache
  static std::map<std::string, mv::AudioBuffer> cache;
  const std::string key = voice + "|" + std::to_string(rate) + "|" + text;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  mv::AudioBuffer speech = Speak(text, rate, voice);
  std::lock_guard lock(mutex);
  if (cache.size() > 512) cache.clear();
  cache.emplace(key, speech);
  return speech;
}

std::vector<std::string> OddPieces(const std::string& pcm, std::size_t piece_bytes) {
  piece_bytes |= 1;  // odd sizes: every other boundary falls inside a sample
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < pcm.size(); at += piece_bytes)
    pieces.push_back(pcm.substr(at, piece_bytes));
  return pieces;
}

double AudioFileSeconds(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return 0;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  try {
    return mv::DecodeAudio(bytes.str()).DurationSeconds();
  } catch (const mv::Error&) {
    return 0;
  }
}

void PortHold::Hold(const std::string& host, int port) {
  Release();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  const int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Release();
}

void PortHold::Release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void SpeechWorkers::Spawn(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (stop_) return;  // shutting down: the dropped responder answers 500
  std::erase_if(workers_, [](Worker& w) {
    if (!w.done->load()) return false;
    w.thread.join();
    return true;
  });
  auto done = std::make_shared<std::atomic<bool>>(false);
  workers_.push_back({std::thread([fn = std::move(fn), done] {
                        fn();
                        done->store(true);
                      }),
                      done});
}

bool SpeechWorkers::Sleep(int ms, const mv::Responder& res) {
  const auto until = FakeClock::now() + std::chrono::milliseconds(ms);
  std::unique_lock lock(mutex_);
  // Short slices: a hung-up client is noticed without a callback into here.
  while (!stop_ && !res.cancel().IsCancelled()) {
    if (FakeClock::now() >= until) return true;
    const auto slice = std::min(until, FakeClock::now() + std::chrono::milliseconds(5));
    cv_.wait_until(lock, slice, [&] { return stop_; });
  }
  return false;
}

bool SpeechWorkers::stopping() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

void SpeechWorkers::Stop() {
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& w : workers) w.thread.join();
}

void SpeechWorkers::Reset() {
  std::lock_guard lock(mutex_);
  stop_ = false;
}

bool SerialGate::Enter(const std::function<bool()>& give_up) {
  std::unique_lock lock(mutex_);
  const unsigned long me = next_id_++;
  queue_.push_back(me);
  while (busy_ || queue_.front() != me) {
    if (give_up()) {
      queue_.remove(me);
      cv_.notify_all();
      return false;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(5));
  }
  queue_.pop_front();
  busy_ = true;
  return true;
}

void SerialGate::Leave() {
  std::lock_guard lock(mutex_);
  busy_ = false;
  cv_.notify_all();
}

}  // namespace mvtest
