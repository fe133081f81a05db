#include "llm/sse-parser.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

// "D:" data, "E:" error line, "J:" bare JSON; event names as "name|" prefix.
std::string Describe(const SseEvent& e) {
  switch (e.kind) {
    case SseEvent::Kind::kData:
      return "D:" + (e.event.empty() ? "" : e.event + "|") + e.data;
    case SseEvent::Kind::kError:
      return "E:" + e.data;
    case SseEvent::Kind::kBareJson:
      return "J:" + e.data;
  }
  return "?";
}

std::vector<std::string> ParseInPieces(const std::string& input, std::vector<std::size_t> cuts) {
  SseParser parser;
  std::vector<std::string> out;
  auto sink = [&](const SseEvent& e) { out.push_back(Describe(e)); };
  std::size_t at = 0;
  cuts.push_back(input.size());
  for (std::size_t cut : cuts) {
    parser.Feed(std::string_view(input).substr(at, cut - at), sink);
    at = cut;
  }
  parser.Finish(sink);
  return out;
}

struct Case {
  const char* name;
  std::string input;
  std::vector<std::string> events;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"two events", "data: a\n\ndata: b\n\n", {"D:a", "D:b"}},
      {"crlf", "data: a\r\n\r\ndata: b\r\n\r\n", {"D:a", "D:b"}},
      {"lone cr", "data: a\r\rdata: b\r\r", {"D:a", "D:b"}},
      {"no space after colon", "data:x\n\n", {"D:x"}},
      {"only one space stripped", "data:  x\n\n", {"D: x"}},
      {"multi-line data", "data: {\"a\":\ndata: 1}\n\n", {"D:{\"a\":\n1}"}},
      {"comments and keep-alives", ": ping\n\n:\ndata: a\n: mid\n\n", {"D:a"}},
      {"event and id fields", "event: delta\nid: 7\nretry: 10\ndata: a\n\n", {"D:delta|a"}},
      {"blank lines alone dispatch nothing", "\n\n\n\ndata: a\n\n\n", {"D:a"}},
      {"empty data line", "data:\n\n", {"D:"}},
      {"field without colon", "data\n\n", {"D:"}},
      {"done", "data: {\"x\":1}\n\ndata: [DONE]\n\n", {"D:{\"x\":1}", "D:[DONE]"}},
      {"last event without blank line", "data: a\n\ndata: [DONE]\n", {"D:a", "D:[DONE]"}},
      {"last line without newline", "data: a\n\ndata: [DONE]", {"D:a", "D:[DONE]"}},
      {"llama.cpp error line", "data: a\n\nerror: {\"code\":500}\n\n", {"D:a", "E:{\"code\":500}"}},
      {"ollama bare json", "data: a\n\n{\"error\":\"boom\"}\n", {"D:a", "J:{\"error\":\"boom\"}"}},
      {"bare json without newline", "{\"error\":\"boom\"}", {"J:{\"error\":\"boom\"}"}},
      {"utf-8 untouched", "data: 你好 ✓\n\n", {"D:你好 ✓"}},
      {"unknown field ignored", "foo: bar\ndata: a\n\n", {"D:a"}},
  };
  return cases;
}

TEST(SseParserTest, TableInOnePiece) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseInPieces(c.input, {}), c.events);
  }
}

TEST(SseParserTest, TableSplitAtEveryBytePosition) {
  for (const auto& c : Cases()) {
    for (std::size_t cut = 0; cut <= c.input.size(); ++cut) {
      SCOPED_TRACE(std::string(c.name) + " cut at " + std::to_string(cut));
      EXPECT_EQ(ParseInPieces(c.input, {cut}), c.events);
    }
  }
}

TEST(SseParserTest, TableOneByteAtATime) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < c.input.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(ParseInPieces(c.input, cuts), c.events);
  }
}

TEST(SseParserTest, EmptyFeedBetweenCrAndLfIsHarmless) {
  SseParser parser;
  std::vector<std::string> out;
  auto sink = [&](const SseEvent& e) { out.push_back(Describe(e)); };
  parser.Feed("data: a\r", sink);
  parser.Feed("", sink);
  parser.Feed("\n\r", sink);
  parser.Feed("\ndata: b\r\n\r\n", sink);
  EXPECT_EQ(out, (std::vector<std::string>{"D:a", "D:b"}));
}

TEST(SseParserTest, OversizedEventStopsTheParser) {
  SseParser parser(64);
  std::vector<std::string> out;
  auto sink = [&](const SseEvent& e) { out.push_back(Describe(e)); };
  EXPECT_TRUE(parser.Feed("data: ok\n\n", sink));
  EXPECT_FALSE(parser.Feed("data: " + std::string(100, 'x'), sink));
  EXPECT_TRUE(parser.overflowed());
  EXPECT_FALSE(parser.Feed("\n\ndata: later\n\n", sink));
  EXPECT_EQ(out, (std::vector<std::string>{"D:ok"}));
}

}  // namespace
}  // namespace mv
