// mirrorvox-fake-llm: the OpenAI-compatible LLM double as a process, for
// benchmarks and manual runs. Stops on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

#include "fakes/fake-llm-server.h"

namespace {

void Usage() {
  std::fprintf(
      stderr,
      "usage: mirrorvox-fake-llm [--port N] [--ttft-ms N] [--tokens-per-s X]\n"
      "                          [--reply TEXT] [--echo] [--say-model] [--reasoning-tokens N]\n"
      "                          [--ollama-models NAME:FAMILY,...] [--tool-sum A,B,...]\n"
      "  --port N             listen on 127.0.0.1:N (default: a free port)\n"
      "  --ttft-ms N          delay before the first token (default 0)\n"
      "  --tokens-per-s X     token rate, 0 = as fast as possible (default 0)\n"
      "  --reply TEXT         the answer to every request\n"
      "  --echo               answer \"You said: <last user message>\"\n"
      "  --say-model          answer \"This is <requested model> speaking.\"\n"
      "  --ollama-models L    answer like Ollama: /api/tags and /v1/models list L\n"
      "  --reasoning-tokens N thinking deltas before the answer\n"
      "  --tool-sum A,B,...   call the first offered tool named A, B... (any server\n"
      "                       prefix) with the two numbers of the question, then\n"
      "                       answer \"Here you go. <tool result>\"\n");
}

}  // namespace

int main(int argc, char** argv) {
  mvtest::FakeLlmOptions options;
  bool echo = false;
  bool say_model = false;
  std::vector<std::string> sum_tools;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--port") {
      options.port = std::atoi(value().c_str());
    } else if (arg == "--ttft-ms") {
      options.ttft_ms = std::atoi(value().c_str());
    } else if (arg == "--tokens-per-s") {
      options.tokens_per_s = std::atof(value().c_str());
    } else if (arg == "--reply") {
      options.default_reply = value();
    } else if (arg == "--echo") {
      echo = true;
    } else if (arg == "--say-model") {
      say_model = true;
    } else if (arg == "--ollama-models") {
      std::string list = value();
      for (std::size_t at = 0; at <= list.size();) {
        std::size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        std::string item = list.substr(at, comma - at);
        const std::size_t colon = item.rfind(':');
        if (!item.empty())
          options.ollama_models.push_back(
              {colon == std::string::npos ? item : item.substr(0, colon),
               colon == std::string::npos ? "llama" : item.substr(colon + 1)});
        at = comma + 1;
      }
    } else if (arg == "--reasoning-tokens") {
      options.reasoning_tokens = std::atoi(value().c_str());
    } else if (arg == "--tool-sum") {
      std::string list = value();
      for (std::size_t at = 0; at <= list.size();) {
        std::size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) sum_tools.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else {
      std::fprintf(stderr, "unknown option %s\n", arg.c_str());
      Usage();
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  try {
    mvtest::FakeLlmServer server(options);
    if (echo) server.SetReplyFunction(mvtest::FakeLlmServer::EchoLastUser());
    if (say_model)
      server.SetReplyFunction([](const nlohmann::json& request) {
        return "This is " + request.value("model", std::string("no model")) + " speaking.";
      });
    if (!sum_tools.empty())
      server.SetToolReplyFunction(mvtest::FakeLlmServer::SumWithTool(sum_tools));
    std::printf("listening on http://127.0.0.1:%d\n", server.port());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mirrorvox-fake-llm: %s\n", e.what());
    return 1;
  }
  return 0;
}
