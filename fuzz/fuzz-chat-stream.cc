// The OpenAI-compatible chat stream decoder over SSE: any body, split at any
// point, ends in the same state with the same text as when fed whole.
#include <cstdlib>

#include "fuzz-target.h"
#include "llm/chat-stream-decoder.h"

namespace {

struct Outcome {
  mv::ChatStreamDecoder::State state;
  std::string text;
  int reasoning = 0;
};

Outcome Decode(std::string_view body, std::size_t split) {
  Outcome out;
  mv::ChatStreamDecoder decoder(
      {[&](std::string_view t) { out.text.append(t); }, [&] { ++out.reasoning; }});
  split = std::min(split, body.size());
  if (decoder.Feed(body.substr(0, split)) == mv::ChatStreamDecoder::State::kStreaming)
    decoder.Feed(body.substr(split));
  out.state = decoder.Finish();
  if (out.state == mv::ChatStreamDecoder::State::kFailed && decoder.error().empty()) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome whole = Decode(body, body.size());
  const Outcome parts = Decode(body, data[0]);
  if (whole.state != parts.state || whole.text != parts.text || whole.reasoning != parts.reasoning)
    std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      "\x20"
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
      "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there.\"},"
      "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
      "\x10"
      "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"length\"}]}\n\n",
      "\x04"
      "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
      "\x02"
      "error: {\"message\":\"slot unavailable\"}\n",
      "\x01"
      "{\"error\":\"model 'x' not found\"}\n",
      "\x07"
      "data: {\"choices\":[{\"delta\":{\"content\":\"cut\"}}]}\n\n",
      "\x03"
      "data: not json\n\n",
  };
}
