// Standalone driver: runs the seeds, then a fixed number of seeded random
// mutations of them (flips, truncations, insertions, splices). A crash,
// sanitizer report or uncaught exception fails the test. With files as
// arguments it runs just those (reproducing a libFuzzer find); with
// --write-seeds DIR it writes the seeds there as a libFuzzer corpus.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "fuzz-target.h"

namespace {

std::string Mutate(const std::string& in, const std::vector<std::string>& seeds, std::mt19937& rng) {
  std::string s = in;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 2:
        s.insert(s.begin() + static_cast<long>(s.empty() ? 0 : rng() % s.size()),
                 static_cast<char>(rng() % 256));
        break;
      case 3: {
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty() && !s.empty()) {
          size_t at = rng() % s.size();
          s = s.substr(0, at) + other.substr(rng() % other.size());
        }
        break;
      }
      case 4:
        if (!s.empty()) s[rng() % s.size()] = "\0\xff\r\n=\"-;:{}[]"[rng() % 14];
        break;
      case 5:
        if (s.size() > 2) {
          size_t a = rng() % s.size(), n = rng() % (s.size() - a);
          s.erase(a, n);
        }
        break;
    }
  }
  return s;
}

void Run(const std::string& s) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-seeds") {  // a libFuzzer corpus to start from
    std::vector<std::string> seeds = FuzzSeeds();
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      std::ofstream out(std::string(argv[2]) + "/seed-" + std::to_string(i), std::ios::binary);
      out << seeds[i];
      if (!out) return 1;
    }
    return 0;
  }
  if (argc > 1) {  // reproduce: run the given files
    for (int i = 1; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      Run(ss.str());
    }
    return 0;
  }
  std::vector<std::string> seeds = FuzzSeeds();
  seeds.push_back("");
  for (const auto& s : seeds) Run(s);
  const char* env = std::getenv("MV_FUZZ_ITERATIONS");
  int iterations = env ? std::atoi(env) : 20000;
  std::mt19937 rng(12345);
  for (int i = 0; i < iterations; ++i) Run(Mutate(seeds[rng() % seeds.size()], seeds, rng));
  std::printf("%zu seeds, %d mutations: no crash\n", seeds.size(), iterations);
  return 0;
}
