// Time to first audio of /api/chat, ours against the original design, with a
// fake OpenAI-compatible LLM of fixed TTFT and token rate and the embedded
// flite TTS. Everything is measured in one run on this machine:
//   - TTFA: request sent -> first SSE audio event received (client side);
//   - added: the server's first_byte_sent stamp minus the engines' own time
//     (the fake LLM's scheduled time to the end of the first segment, plus
//     flite's unloaded time to synthesise that segment, measured here too);
//   - p50/p99 at 1 and 50 concurrent conversations;
//   - the original design (whole-sentence segments, one sequential TTS
//     worker) against ours, as a ratio of TTFA p50.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "support/server-process.h"
#include "support/test-http.h"
#include "tts/tts.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kReply =
    "Okay, so here is the forecast for today, it will be sunny with a light breeze from the "
    "west. Later this evening it will get cooler, so take a jacket if you go out.";

struct Sample {
  double ttfa_ms = 0;        // client: first audio event
  double first_byte_ms = 0;  // server stamp
  double total_ms = 0;
  int first_segment_words = 0;
  std::string first_segment;
  json timing;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

int Words(const std::string& s) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    bool w = !std::isspace(static_cast<unsigned char>(c));
    if (w && !in) ++n;
    in = w;
  }
  return n;
}

std::vector<Sample> RunLoad(int port, int clients, int turns_each) {
  std::vector<Sample> samples;
  std::mutex mutex;  // guards samples
  std::vector<std::thread> threads;
  std::string body = json{{"msg", {{{"role", "user"}, {"content", "weather?"}}}}}.dump();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int t = 0; t < turns_each; ++t) {
        Sample s;
        auto start = Clock::now();
        bool first = true;
        auto r = mvtest::HttpRequest("POST", port, "/api/chat", body, {}, [&](const std::string&) {
          if (first) s.ttfa_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          first = false;
          return true;
        });
        s.total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        auto events = mvtest::SseData(r.body);
        if (r.status != 200 || events.size() < 2) {
          std::fprintf(stderr, "turn failed: %d %s\n", r.status, r.body.substr(0, 200).c_str());
          continue;
        }
        json last = json::parse(events.back());
        s.first_byte_ms = last["timing"].value("first_byte_sent_ms", -1.0);
        s.timing = last["timing"];
        s.first_segment = json::parse(events.front())["message"].get<std::string>();
        while (!s.first_segment.empty() && s.first_segment.back() == ' ') s.first_segment.pop_back();
        s.first_segment_words = Words(s.first_segment);
        std::lock_guard lock(mutex);
        samples.push_back(s);
      }
    });
  }
  for (auto& t : threads) t.join();
  return samples;
}

// flite's own time for a text, unloaded: median of 5.
double TtsMillis(mv::Tts& tts, const std::string& text) {
  std::vector<double> v;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    tts.SynthesizeAll(mv::TtsRequest{text, "en", "slt", nullptr});
    v.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return Percentile(v, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  const int ttft_ms = 200;
  const double tokens_per_s = 40;
  int turns_each = argc > 1 ? std::atoi(argv[1]) : 3;

  mvtest::FakeLlmOptions llm_options;
  llm_options.ttft_ms = ttft_ms;
  llm_options.tokens_per_s = tokens_per_s;
  llm_options.default_reply = kReply;
  mvtest::FakeLlmServer llm(llm_options);

  mv::TtsConfig tts_config;
  tts_config.engine = "flite";
  tts_config.voice = "slt";
  auto tts = mv::CreateTts(tts_config);
  // Engine time to the first audio: the fake's scheduled time until the
  // first segment's last token, plus flite's time for that segment.
  auto tokens = mvtest::FakeLlmServer::Tokenize(kReply);
  auto engine_ms = [&](const std::string& first_segment) {
    int n = 0;
    size_t len = 0;
    for (const auto& t : tokens) {
      if (len >= first_segment.size()) break;
      len += t.size();
      ++n;
    }
    return ttft_ms + (n - 1) * 1000.0 / tokens_per_s + TtsMillis(*tts, first_segment);
  };

  std::string dir = mvtest::TempDir();
  std::string common = "llm:\n  endpoints:\n    - url: " + llm.base_url() + "\n      model: fake\n";
  mvtest::WriteFile(dir + "/ours.yaml", common + "tts:\n  voice: slt\n  parallelism: 2\n");
  mvtest::WriteFile(dir + "/original.yaml",
                    common +
                        "tts:\n  voice: slt\n  parallelism: 1\n"
                        "pipeline:\n  early_first_segment: false\n");

  std::printf("chat-bench: %u cores, fake LLM ttft %d ms at %.0f tokens/s, TTS flite slt\n",
              std::thread::hardware_concurrency(), ttft_ms, tokens_per_s);
  std::printf("%-9s %5s %6s %10s %10s %11s %11s\n", "design", "conc", "turns", "ttfa_p50",
              "ttfa_p99", "added_p50", "added_p99");
  std::map<std::pair<std::string, int>, double> p50;
  for (const std::string design : {"ours", "original"}) {
    mvtest::ServerProcess server({"-c", dir + "/" + design + ".yaml"});
    if (!server.ok()) {
      std::fprintf(stderr, "server did not start:\n%s\n", server.Log().c_str());
      return 1;
    }
    // The first segment as this design cut it, and the engines' time for it.
    auto warm = RunLoad(server.port(), 1, 1);
    if (warm.empty()) return 1;
    double engine = engine_ms(warm[0].first_segment);
    std::printf("%s: first segment '%s', engines' own time to it %.1f ms\n", design.c_str(),
                warm[0].first_segment.c_str(), engine);
    for (int conc : {1, 50}) {
      RunLoad(server.port(), std::min(conc, 4), 1);  // warm-up
      auto samples = RunLoad(server.port(), conc, conc == 1 ? turns_each * 5 : turns_each);
      std::vector<double> ttfa, added;
      for (const auto& s : samples) {
        ttfa.push_back(s.ttfa_ms);
        added.push_back(s.first_byte_ms - engine);
      }
      p50[{design, conc}] = Percentile(ttfa, 0.5);
      std::string stages;
      for (const char* k : {"llm_first_token_ms", "first_segment_ready_ms", "first_tts_audio_ms",
                            "first_byte_sent_ms"}) {
        std::vector<double> v;
        for (const auto& smp : samples) v.push_back(smp.timing.value(k, -1.0));
        char buf[80];
        std::snprintf(buf, sizeof buf, " %s=%.0f", k, Percentile(v, 0.5));
        stages += buf;
      }
      std::printf("          server stage p50:%s\n", stages.c_str());
      std::printf("%-9s %5d %6zu %8.1fms %8.1fms %9.1fms %9.1fms\n", design.c_str(), conc,
                  samples.size(), Percentile(ttfa, 0.5), Percentile(ttfa, 0.99),
                  Percentile(added, 0.5), Percentile(added, 0.99));
    }
  }
  for (int conc : {1, 50})
    std::printf("TTFA ratio original/ours at %d concurrent: %.2fx\n", conc,
                p50[{"original", conc}] / std::max(1.0, p50[{"ours", conc}]));
  return 0;
}
