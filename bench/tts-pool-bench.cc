// Time to first audio of /api/chat with the gpt-sovits engine, one
// GPT-SoVITS worker against four, through the real binary, the fake LLM and
// the api_v2 double (serial service like the real single worker, a fixed
// first-chunk latency, synthesis at a fixed real-time factor). Reported as
// the ratio one/four of TTFA p50 and p99, at 1 and 20 concurrent
// conversations, all measured in one run on this machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio-encoder.h"
#include "fakes/fake-gpt-sovits-server.h"
#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kFirstChunkMs = 300;
constexpr double kPieceSeconds = 0.2;
constexpr int kPieceMs = 20;  // synthesis at 0.1x real time after the first chunk
const std::string kReply =
    "Sure, the lights in the kitchen are on now. Anything else I can do for you today?";

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

// TTFA of each turn: request sent -> first SSE event with audio.
std::vector<double> RunLoad(int port, int clients, int turns_each, int* failed) {
  std::vector<double> ttfa;
  std::mutex mutex;  // guards ttfa and *failed
  std::vector<std::thread> threads;
  const std::string body = json{{"msg", {{{"role", "user"}, {"content", "lights?"}}}}}.dump();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int t = 0; t < turns_each; ++t) {
        const auto start = Clock::now();
        double first = -1;
        auto r = mvtest::HttpRequest("POST", port, "/api/chat", body, {}, [&](const std::string&) {
          if (first < 0)
            first = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          return true;
        });
        const auto events = mvtest::SseData(r.body);
        std::lock_guard lock(mutex);
        if (r.status != 200 || events.size() < 2 ||
            !json::parse(events.front()).value("file", json()).is_string()) {
          ++*failed;
          continue;
        }
        ttfa.push_back(first);
      }
    });
  }
  for (auto& t : threads) t.join();
  return ttfa;
}

}  // namespace

int main(int argc, char** argv) {
  const int turns_each = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  const std::string dir = mvtest::TempDir();

  mvtest::FakeLlmOptions llm_options;
  llm_options.ttft_ms = 100;
  llm_options.default_reply = kReply;
  mvtest::FakeLlmServer llm(llm_options);

  // The default voice's reference, read by the doubles as GPT-SoVITS would.
  mv::AudioBuffer ref = mvtest::FakeSpeech("this is the reference voice of the assistant", 16000);
  ref.samples.resize(4 * 16000, 1e-3f);
  mvtest::WriteFile(dir + "/ref.wav", mv::EncodeAudio(ref, mv::AudioFormat::kWav));

  mvtest::FakeGptSovitsOptions o;
  o.first_chunk_ms = kFirstChunkMs;
  o.chunk_seconds = kPieceSeconds;
  o.chunk_ms = kPieceMs;
  std::vector<std::unique_ptr<mvtest::FakeGptSovitsServer>> workers;
  for (int i = 0; i < 4; ++i) workers.push_back(std::make_unique<mvtest::FakeGptSovitsServer>(o));

  auto config = [&](int n) {
    std::string yaml = "tts:\n  engine: gpt-sovits\n  parallelism: 4\n  endpoints:\n";
    for (int i = 0; i < n; ++i) yaml += "    - " + workers[i]->base_url() + "\n";
    yaml += "  queue_timeout_ms: 120000\n  gpt_sovits:\n    ref_audio_path: " + dir +
            "/ref.wav\nllm:\n  endpoints:\n    - url: " + llm.base_url() + "\n";
    const std::string path = dir + "/workers-" + std::to_string(n) + ".yaml";
    mvtest::WriteFile(path, yaml);
    return path;
  };

  std::printf(
      "tts-pool-bench: %u cores; GPT-SoVITS double: serial, first chunk %d ms, then "
      "%.1fx real time; fake LLM ttft %d ms\n",
      std::thread::hardware_concurrency(), kFirstChunkMs, kPieceMs / 1000.0 / kPieceSeconds,
      llm_options.ttft_ms);
  std::printf("%-8s %5s %6s %7s %10s %10s\n", "workers", "conc", "turns", "failed", "ttfa_p50",
              "ttfa_p99");
  std::map<std::pair<int, int>, std::pair<double, double>> result;  // (workers, conc) -> p50, p99
  for (int n : {1, 4}) {
    mvtest::ServerProcess server({"-c", config(n)});
    if (!server.ok()) {
      std::fprintf(stderr, "server did not start:\n%s\n", server.Log().c_str());
      return 1;
    }
    int ignored = 0;
    RunLoad(server.port(), 1, 1, &ignored);  // warm-up (and the doubles' speech cache)
    for (int conc : {1, 20}) {
      int failed = 0;
      const auto ttfa =
          RunLoad(server.port(), conc, conc == 1 ? 5 * turns_each : turns_each, &failed);
      result[{n, conc}] = {Percentile(ttfa, 0.5), Percentile(ttfa, 0.99)};
      std::printf("%-8d %5d %6zu %7d %8.0fms %8.0fms\n", n, conc, ttfa.size(), failed,
                  result[{n, conc}].first, result[{n, conc}].second);
    }
  }
  for (int conc : {1, 20}) {
    const auto one = result[{1, conc}], four = result[{4, conc}];
    std::printf("TTFA ratio 1 worker / 4 workers at %2d concurrent: p50 %.2fx, p99 %.2fx\n", conc,
                one.first / std::max(1.0, four.first), one.second / std::max(1.0, four.second));
  }
  return 0;
}
