// The LLM's SSE parser: any bytes, split anywhere, give the same events as
// when fed whole (the split point is taken from the input's first byte).
#include <cstdlib>
#include <vector>

#include "fuzz-target.h"
#include "llm/sse-parser.h"

namespace {

struct Seen {
  int kind;
  std::string event, data;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Parse(std::string_view body, std::size_t split, bool* overflowed) {
  mv::SseParser parser(4096);  // small, so the overflow path is reached too
  std::vector<Seen> out;
  auto sink = [&](const mv::SseEvent& e) {
    out.push_back({static_cast<int>(e.kind), e.event, e.data});
  };
  split = std::min(split, body.size());
  if (parser.Feed(body.substr(0, split), sink)) parser.Feed(body.substr(split), sink);
  parser.Finish(sink);
  *overflowed = parser.overflowed();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool whole_overflowed = false, split_overflowed = false;
  const auto whole = Parse(body, body.size(), &whole_overflowed);
  const auto parts = Parse(body, split, &split_overflowed);
  if (whole_overflowed != split_overflowed) std::abort();
  if (!whole_overflowed && whole != parts) std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      "\x05"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n",
      "\x03"
      "event: ping\r\ndata: a\r\ndata: b\r\n\r\n: comment\r\n",
      "\x01"
      "error: {\"error\":{\"message\":\"model not loaded\"}}\n",
      "\x02"
      "{\"error\":\"ollama says no\"}\n",
      "\x09"
      "data:x\rdata:y\r\rid: 3\nretry: 10\n\n",
  };
}
