// Load on /v1/realtime (docs/realtime.md): N concurrent sessions, each
// streaming a spoken question (flite, 24 kHz pcm16) at real-time pace, then
// silence, with server VAD, against the real binary whose engines are remote
// doubles with fixed latencies, so they cost nothing on the box:
//   ASR  openai-transcriptions double: a fixed transcript after asr_ms;
//   LLM  fake OpenAI chat: a fixed reply, ttft_ms then tokens_per_s;
//   TTS  openai-speech double: first chunk after tts_ms, then faster than real time.
// Per turn, client side: TTFA = first response.output_audio.delta - the
// moment the chunk holding the last speech sample was written; added latency
// = TTFA - (VAD silence + ASR + LLM TTFT + tokens up to the end of the first
// spoken segment + TTS first chunk). From response.done's `timing`: the same
// without VAD and transport (server added). Memory: the server's VmRSS with
// N sessions connected and idle (and its peak under load) minus its RSS
// before, per session. Everything is measured in one run on this machine;
// the ratios (N against the first N) are the result, not the bare numbers.
//
//   realtime-bench [--sessions 1,50,200] [--turns 2] [--chunk-ms 40]
//                  [--silence-ms 500] [--asr-ms 100] [--ttft-ms 200]
//                  [--tokens-per-s 50] [--tts-ms 150] [--stagger-ms 2000]
//                  [--asr pocketsphinx]
// --asr pocketsphinx: the embedded recogniser instead of the ASR double, and
// every N twice with the same inputs, asr.streaming false (recognised after
// the end of speech) then true (while speaking): what live recognition saves
// from TTFA, against the ASR time it saved (timing.asr_ms).
// MIRRORVOX_* variables reach the server (e.g. MIRRORVOX_SERVER__IO_THREADS=2).
// Exit code 2 when any turn failed.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "audio/audio-encoder.h"
#include "common/base64.h"
#include "common/error.h"
#include "fakes/fake-llm-server.h"
#include "fakes/fake-openai-speech-server.h"
#include "fakes/fake-transcription-server.h"
#include "fakes/fake-tts-support.h"
#include "realtime-bench-session.h"
#include "support/server-process.h"

namespace {

using json = nlohmann::json;
using mvbench::Clock;
using mvbench::kTurnTimeoutS;
using mvbench::Ms;
using mvbench::Script;
using mvbench::Session;
using mvbench::Turn;

const std::string kQuestion = "What will the weather be like in Paris tomorrow?";
const std::string kTranscript = "What will the weather be like in Paris tomorrow?";
const std::string kReply =
    "Sure, tomorrow in Paris it will be sunny and mild. Expect a light breeze in the "
    "afternoon, so take a jacket if you go out.";
constexpr int kRate = 24000;
constexpr int kMaxPrintedFailures = 10;

struct Options {
  std::vector<int> sessions = {1, 50, 200};
  int turns = 2;  // per session; a lone session does at least 10 for its percentiles
  int chunk_ms = 40;
  int silence_ms = 500;
  int asr_ms = 100;
  int ttft_ms = 200;
  double tokens_per_s = 50;
  int tts_ms = 150;
  int stagger_ms = 2000;  // session starts are spread over at most this
  bool pocketsphinx = false;  // --asr pocketsphinx: embedded ASR, batch vs streaming
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

std::string AppendEvent(const std::string& pcm) {
  return json{{"type", "input_audio_buffer.append"}, {"audio", mv::Base64Encode(pcm)}}.dump();
}

Script MakeScript(int chunk_ms) {
  mv::AudioBuffer speech = mvtest::FakeSpeech(kQuestion, kRate, "slt");
  // flite's own leading and trailing near-silence would blur "end of speech".
  auto loud = [](float s) { return std::abs(s) > 0.01f; };
  auto first = std::find_if(speech.samples.begin(), speech.samples.end(), loud);
  auto last = std::find_if(speech.samples.rbegin(), speech.samples.rend(), loud).base();
  std::vector<float> samples(first, std::max(first, last));
  Script s;
  s.chunk_ms = chunk_ms;
  s.speech_seconds = static_cast<double>(samples.size()) / kRate;
  const std::size_t n = static_cast<std::size_t>(kRate) * chunk_ms / 1000;
  samples.resize((samples.size() + n - 1) / n * n, 0.0f);  // the last chunk ends in silence
  for (std::size_t at = 0; at < samples.size(); at += n)
    s.speech.push_back(AppendEvent(mv::ToPcm16(samples.data() + at, n)));
  const std::vector<float> zeros(n, 0.0f);
  s.silence = AppendEvent(mv::ToPcm16(zeros.data(), n));
  return s;
}

// The server is this process's only child (doubles run in-process).
int ServerPid() {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream children(task.path() / "children");
    int pid = 0;
    while (children >> pid) {
      std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
      std::string name;
      std::getline(comm, name);
      if (name == "mirrorvox") return pid;
    }
  }
  return -1;
}

double RssKb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6);
  return 0;
}

double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::vector<std::string> f(13);  // state ... stime (fields 3..15)
  for (auto& x : f) rest >> x;
  return (std::atof(f[11].c_str()) + std::atof(f[12].c_str())) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Result {
  int sessions = 0;
  int connected = 0;
  int turns = 0;
  int failed = 0;           // turns without audio or not completed
  int failed_sessions = 0;  // sessions with a failed turn or any error
  std::vector<double> ttfa, added, server_added, vad;
  std::vector<std::string> failures;
  std::map<std::string, std::vector<double>> stages;  // server timing per key
  double rss_base_kb = 0, rss_idle_kb = 0, rss_peak_kb = 0;
  double cpu_percent = 0;   // of one core, over the load phase
  std::vector<double> lag;  // per turn: the client's own delay inside the TTFA window
};

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {
    mvtest::FakeLlmOptions llm;
    llm.ttft_ms = o_.ttft_ms;
    llm.tokens_per_s = o_.tokens_per_s;
    llm.default_reply = kReply;
    llm_ = std::make_unique<mvtest::FakeLlmServer>(llm);
    mvtest::FakeTranscriptionOptions asr;
    asr.reply = kTranscript;
    asr.latency_ms = o_.asr_ms;
    asr_ = std::make_unique<mvtest::FakeTranscriptionServer>(asr);
    mvtest::FakeOpenAiSpeechOptions tts;
    tts.first_chunk_ms = o_.tts_ms;
    tts.chunk_seconds = 0.2;
    tts.chunk_ms = 20;  // 10x real time after the first chunk
    tts_ = std::make_unique<mvtest::FakeOpenAiSpeechServer>(tts);
    script_ = MakeScript(o_.chunk_ms);
    tokens_ = mvtest::FakeLlmServer::Tokenize(kReply);

    const int most = *std::max_element(o_.sessions.begin(), o_.sessions.end());
    // Endpoint slots never the bottleneck: the doubles serve any number at once.
    const int asr_slots = std::clamp(most, 1, 1024), tts_slots = std::clamp(2 * most, 2, 1024);
    const std::string asr_yaml =
        o_.pocketsphinx ? "asr:\n  engine: pocketsphinx\n  streaming: "
                        : "asr:\n  engine: openai-transcriptions\n  endpoints:\n    - {url: " +
                              asr_->url() + ", max_concurrency: " + std::to_string(asr_slots) + "}";
    config_ = mvtest::TempDir() + "/realtime-bench.yaml";
    config_batch_ = mvtest::TempDir() + "/realtime-bench-batch.yaml";
    for (const bool batch : {false, true})
    mvtest::WriteFile(
        batch ? config_batch_ : config_,
        asr_yaml + (o_.pocketsphinx ? (batch ? "false" : "true") : "") +
            "\ntts:\n  engine: openai-speech\n  parallelism: 2\n  endpoints:\n"
            "    - {url: " +
            tts_->base_url() + ", max_concurrency: " + std::to_string(tts_slots) +
            "}\nllm:\n  endpoints:\n    - {url: " + llm_->base_url() +
            ", model: fake}\nrealtime:\n  silence_duration_ms: " + std::to_string(o_.silence_ms) +
            "\n  max_sessions: " + std::to_string(most + 16) + "\n");
  }

  const Script& script() const { return script_; }

  // The engines' own time from the end of speech to the first audio, VAD
  // wait excluded: ASR + TTFT + tokens to the end of `first_segment` + TTS.
  double EngineMs(const std::string& first_segment) const {
    const int gap_ms = o_.tokens_per_s > 0 ? static_cast<int>(1000.0 / o_.tokens_per_s) : 0;
    std::size_t len = 0;
    int n = 0;
    for (const auto& t : tokens_) {
      if (len >= first_segment.size()) break;
      len += t.size();
      ++n;
    }
    // The embedded recogniser's time is not a double's: it counts as added.
    return (o_.pocketsphinx ? 0 : o_.asr_ms) + o_.ttft_ms + std::max(0, n - 1) * gap_ms + o_.tts_ms;
  }

  // `batch`: asr.streaming false (--asr pocketsphinx).
  std::optional<Result> Run(int n, bool batch = false) {
    mvtest::ServerProcess server({"-c", batch ? config_batch_ : config_});
    if (!server.ok()) {
      std::fprintf(stderr, "!!! server did not start:\n%s\n", server.Log().c_str());
      return std::nullopt;
    }
    const int pid = ServerPid();
    if (pid < 0) std::fprintf(stderr, "!!! server pid not found: no memory or CPU figures\n");
    const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/v1/realtime";
    {  // warm-up: one turn (the doubles cache the reply's speech)
      Session warm(-1);
      if (!warm.Connect(url)) return Fail(warm, server, "warm-up connect");
      warm.Run(script_, Clock::now(), 1);
      const auto turns = warm.turns();
      warm.Close();
      if (turns.empty() || !turns[0].first_audio || turns[0].status != "completed")
        return Fail(warm, server, "warm-up turn (no audio or not completed)");
      if (!explained_) {
        std::printf("first segment '%s': the doubles' time to its first audio %.0f ms\n",
                    turns[0].first_segment.c_str(), EngineMs(turns[0].first_segment));
        explained_ = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Result r;
    r.sessions = n;
    r.rss_base_kb = RssKb(pid);

    std::vector<std::unique_ptr<Session>> sessions;
    for (int i = 0; i < n; ++i) {
      sessions.push_back(std::make_unique<Session>(i));
      if (!sessions.back()->Connect(url)) {
        ++r.failed_sessions;
        for (const auto& p : sessions.back()->problems())
          r.failures.push_back("session " + std::to_string(i) + ": " + p);
        sessions.pop_back();
      }
    }
    r.connected = static_cast<int>(sessions.size());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    r.rss_idle_kb = RssKb(pid);

    std::atomic<bool> loaded{true};
    double peak = r.rss_idle_kb;
    std::thread sampler([&] {
      while (loaded) {
        peak = std::max(peak, RssKb(pid));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    const int turns = n == 1 ? std::max(o_.turns, 10) : o_.turns;
    const double window = std::min<double>(o_.stagger_ms, 20.0 * n);
    const double cpu0 = CpuSeconds(pid);
    const auto t0 = Clock::now();
    const auto start = t0 + std::chrono::milliseconds(100);
    std::vector<std::thread> senders;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      const auto at = start + std::chrono::microseconds(
                                  static_cast<long>(1000.0 * window * static_cast<double>(i) / n));
      senders.emplace_back([&, i, at] { sessions[i]->Run(script_, at, turns); });
    }
    for (auto& t : senders) t.join();
    r.cpu_percent = 100.0 * (CpuSeconds(pid) - cpu0) / (Ms(Clock::now() - t0).count() / 1000.0);
    loaded = false;
    sampler.join();
    r.rss_peak_kb = peak;
    std::vector<std::thread> closers;
    for (auto& s : sessions) closers.emplace_back([&s] { s->Close(); });
    for (auto& t : closers) t.join();

    bool noted = false;
    for (const auto& s : sessions) {
      const int silence = s->silence_ms() > 0 ? s->silence_ms() : o_.silence_ms;
      if (silence != o_.silence_ms && !std::exchange(noted, true))
        std::printf("note: the session's silence_duration_ms is %d, configured %d\n", silence,
                    o_.silence_ms);
      const auto problems = s->problems();
      for (const auto& p : problems)
        r.failures.push_back("session " + std::to_string(s->id()) + ": " + p);
      const auto ts = s->turns();
      const int failed_before = r.failed;
      r.failed += turns - static_cast<int>(ts.size());  // never reached (send failed)
      for (std::size_t k = 0; k < ts.size(); ++k) {
        const Turn& t = ts[k];
        ++r.turns;
        std::string why;
        if (t.timed_out)
          why = "no response.done within " + std::to_string(kTurnTimeoutS) + " s";
        else if (!t.done)
          why = "connection ended before response.done";
        else if (t.status != "completed")
          why = "response status '" + t.status + "'";
        else if (!t.first_audio)
          why = "no audio";
        if (!why.empty()) {
          ++r.failed;
          r.failures.push_back("session " + std::to_string(s->id()) + " turn " + std::to_string(k) +
                               ": " + why);
          continue;
        }
        const double ttfa = Ms(*t.first_audio - t.speech_end).count();
        const double engines = EngineMs(t.first_segment);
        r.ttfa.push_back(ttfa);
        r.lag.push_back(t.lag_ms);
        r.added.push_back(ttfa - silence - engines);
        if (t.speech_stopped) r.vad.push_back(Ms(*t.speech_stopped - t.speech_end).count());
        if (t.timing.contains("first_audio_ms"))
          r.server_added.push_back(t.timing.value("first_audio_ms", 0.0) - engines);
        for (const auto& [k2, v] : t.timing.items())
          if (v.is_number()) r.stages[k2].push_back(v.get<double>());
      }
      if (r.failed > failed_before || !problems.empty()) ++r.failed_sessions;
    }
    if (!server.Alive()) r.failures.push_back("the server died:\n" + server.Log());
    return r;
  }

 private:
  std::optional<Result> Fail(const Session& s, mvtest::ServerProcess& server, const char* what) {
    std::fprintf(stderr, "!!! %s failed:\n", what);
    for (const auto& p : s.problems()) std::fprintf(stderr, "  %s\n", p.c_str());
    const std::string log = server.Log();
    std::fprintf(stderr, "server log (tail):\n%s\n",
                 log.substr(log.size() > 3000 ? log.size() - 3000 : 0).c_str());
    return std::nullopt;
  }

  Options o_;
  std::unique_ptr<mvtest::FakeLlmServer> llm_;
  std::unique_ptr<mvtest::FakeTranscriptionServer> asr_;
  std::unique_ptr<mvtest::FakeOpenAiSpeechServer> tts_;
  Script script_;
  std::vector<std::string> tokens_;
  std::string config_, config_batch_;
  bool explained_ = false;  // the first segment's engine time was printed
};

std::vector<int> ParseList(const std::string& s) {
  std::vector<int> v;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (int x = std::atoi(item.c_str()); x > 0) v.push_back(x);
  return v;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  const std::map<std::string, int*> ints = {
      {"--turns", &o->turns},           {"--chunk-ms", &o->chunk_ms},
      {"--silence-ms", &o->silence_ms}, {"--asr-ms", &o->asr_ms},
      {"--ttft-ms", &o->ttft_ms},       {"--tts-ms", &o->tts_ms},
      {"--stagger-ms", &o->stagger_ms}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--sessions")
      o->sessions = ParseList(v);
    else if (a == "--asr" && (v == "pocketsphinx" || v == "double"))
      o->pocketsphinx = v == "pocketsphinx";
    else if (a == "--tokens-per-s")
      o->tokens_per_s = std::atof(v.c_str());
    else if (auto it = ints.find(a); it != ints.end())
      *it->second = std::atoi(v.c_str());
    else
      return false;
  }
  return argc % 2 == 1 && !o->sessions.empty() && o->turns >= 1 && o->chunk_ms >= 10 &&
         o->chunk_ms <= 200 && o->silence_ms >= 100 && o->asr_ms >= 0 && o->ttft_ms >= 0 &&
         o->tts_ms >= 0 && o->stagger_ms >= 0 && o->tokens_per_s >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const bool help = argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h");
  if (help || !ParseArgs(argc, argv, &o)) {
    std::fprintf(
        help ? stdout : stderr,
        "usage: realtime-bench [--sessions 1,50,200] [--turns 2] [--chunk-ms 40] "
        "[--silence-ms 500] [--asr-ms 100] [--ttft-ms 200] [--tokens-per-s 50] "
        "[--tts-ms 150] [--stagger-ms 2000] [--asr double|pocketsphinx]\n"
        "  --asr pocketsphinx: embedded ASR; every N runs with asr.streaming false, then true\n"
        "  --turns: questions per session (a lone session asks at least 10)\n"
        "  --stagger-ms: session starts are spread over min(this, 20 ms x N)\n"
        "  MIRRORVOX_* variables reach the server (e.g. MIRRORVOX_SERVER__IO_THREADS=2)\n");
    return help ? 0 : 1;
  }
  rlimit files{};  // each session holds sockets here and in the doubles
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // in order with the failures on stderr
  Bench bench(o);
  std::printf(
      "realtime-bench: %u cores; question %.2f s of speech in %d ms chunks; server VAD "
      "silence %d ms; doubles: ASR %d ms, LLM TTFT %d ms at %.0f tokens/s, TTS first chunk "
      "%d ms\n",
      std::thread::hardware_concurrency(), bench.script().speech_seconds, o.chunk_ms, o.silence_ms,
      o.asr_ms, o.ttft_ms, o.tokens_per_s, o.tts_ms);
  std::printf(
      "TTFA: last speech chunk sent -> first audio delta; added = TTFA - VAD silence - "
      "engines; server added = timing.first_audio_ms - engines\n");

  std::vector<Result> results;
  int failed = 0;
  std::vector<std::pair<int, bool>> runs;  // (N, batch)
  for (int n : o.sessions) {
    if (o.pocketsphinx) runs.push_back({n, true});
    runs.push_back({n, false});
  }
  std::map<int, Result> batch_runs;
  for (const auto& [n, batch] : runs) {
    auto r = bench.Run(n, batch);
    if (!r) return 1;
    if (o.pocketsphinx) std::printf("N=%d asr.streaming %s:\n", n, batch ? "false" : "true");
    failed += r->failures.empty() ? 0 : std::max(1, r->failed_sessions);
    if (!r->failures.empty()) {
      std::fprintf(stderr,
                   "\n!!! N=%d: %d of %d sessions FAILED (%d of %d turns); %zu problems, first "
                   "ones:\n",
                   n, r->failed_sessions, n, r->failed, r->turns, r->failures.size());
      for (std::size_t i = 0; i < r->failures.size() && i < kMaxPrintedFailures; ++i)
        std::fprintf(stderr, "!!!   %s\n", r->failures[i].c_str());
    }
    std::string stages;
    for (const char* k : {"asr_ms", "llm_first_token_ms", "first_segment_ms", "first_audio_ms"}) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %s=%.0f", k, Percentile(r->stages[k], 0.5));
      stages += buf;
    }
    std::printf("N=%d server timing p50:%s; client speech end -> speech_stopped p50 %.0f ms\n", n,
                stages.c_str(), Percentile(r->vad, 0.5));
    if (batch) {
      batch_runs[n] = std::move(*r);
      continue;
    }
    if (auto before = batch_runs.find(n); before != batch_runs.end()) {
      Result& b = before->second;
      const double saved_ttfa = Percentile(b.ttfa, 0.5) - Percentile(r->ttfa, 0.5);
      const double saved_asr =
          Percentile(b.stages["asr_ms"], 0.5) - Percentile(r->stages["asr_ms"], 0.5);
      std::printf(
          "N=%d streaming vs batch ASR: TTFA - VAD silence p50 %.0f -> %.0f ms (%.0f ms "
          "sooner); ASR after the end of speech p50 %.0f -> %.0f ms (%.0f ms saved); TTFA "
          "gain / ASR saving %.2f\n",
          n, Percentile(b.ttfa, 0.5) - o.silence_ms, Percentile(r->ttfa, 0.5) - o.silence_ms,
          saved_ttfa, Percentile(b.stages["asr_ms"], 0.5), Percentile(r->stages["asr_ms"], 0.5),
          saved_asr, saved_asr > 0 ? saved_ttfa / saved_asr : 0.0);
    }
    results.push_back(std::move(*r));
  }

  std::printf("\n%8s %6s %6s %9s %9s %9s %9s %9s %9s\n", "sessions", "turns", "f_sess", "ttfa_p50",
              "ttfa_p99", "added_p50", "added_p99", "srv_p50", "srv_p99");
  for (const auto& r : results)
    std::printf("%8d %6d %6d %7.0fms %7.0fms %7.0fms %7.0fms %7.0fms %7.0fms\n", r.sessions,
                r.turns, r.failed_sessions, Percentile(r.ttfa, 0.5), Percentile(r.ttfa, 0.99),
                Percentile(r.added, 0.5), Percentile(r.added, 0.99),
                Percentile(r.server_added, 0.5), Percentile(r.server_added, 0.99));
  std::printf("\n%8s %9s %14s %10s %14s %9s %12s\n", "sessions", "rss_base", "rss_idle/sess",
              "rss_peak", "rss_peak/sess", "cpu", "lag_p99");
  for (const auto& r : results)
    std::printf("%8d %7.1fMB %12.0fKB %+8.1fMB %12.0fKB %8.0f%% %10.0fms\n", r.sessions,
                r.rss_base_kb / 1024, (r.rss_idle_kb - r.rss_base_kb) / std::max(1, r.connected),
                (r.rss_peak_kb - r.rss_base_kb) / 1024,
                (r.rss_peak_kb - r.rss_base_kb) / std::max(1, r.connected), r.cpu_percent,
                Percentile(r.lag, 0.99));
  std::printf(
      "(rss: the server's VmRSS; idle = N sessions connected, silent; peak = during the load, "
      "above rss_base; cpu: the server's, %% of one core, during the load; lag_p99: how late the "
      "client sent "
      "its chunks between speech end and first audio, which TTFA includes)\n\n");
  for (const auto& r : results)
    if (Percentile(r.lag, 0.99) > 2.0 * o.chunk_ms)
      std::fprintf(stderr, "!!! N=%d: the client fell behind real time (lag p99 %.0f ms)\n",
                   r.sessions, Percentile(r.lag, 0.99));
  const Result& base = results.front();
  for (std::size_t i = 1; i < results.size(); ++i) {
    const Result& r = results[i];
    auto ratio = [](double a, double b) { return a / std::max(1.0, b); };
    std::printf(
        "N=%d vs N=%d: added p50 %.2fx (%+.0f ms), p99 %.2fx (%+.0f ms); TTFA p50 %.2fx, p99 "
        "%.2fx\n",
        r.sessions, base.sessions, ratio(Percentile(r.added, 0.5), Percentile(base.added, 0.5)),
        Percentile(r.added, 0.5) - Percentile(base.added, 0.5),
        ratio(Percentile(r.added, 0.99), Percentile(base.added, 0.99)),
        Percentile(r.added, 0.99) - Percentile(base.added, 0.99),
        ratio(Percentile(r.ttfa, 0.5), Percentile(base.ttfa, 0.5)),
        ratio(Percentile(r.ttfa, 0.99), Percentile(base.ttfa, 0.99)));
  }
  if (failed > 0) {
    std::fprintf(stderr, "\n!!! FAILURES: %d (see above) !!!\n", failed);
    return 2;
  }
  return 0;
}
