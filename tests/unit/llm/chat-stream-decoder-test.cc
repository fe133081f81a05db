#include "llm/chat-stream-decoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mv {
namespace {

using State = ChatStreamDecoder::State;

std::string Chunk(const nlohmann::json& delta, const char* finish = nullptr) {
  nlohmann::json j = {{"id", "c1"},
                      {"object", "chat.completion.chunk"},
                      {"created", 1},
                      {"model", "m1"},
                      {"choices",
                       {{{"index", 0},
                         {"delta", delta},
                         {"finish_reason", finish ? nlohmann::json(finish) : nullptr}}}}};
  return "data: " + j.dump() + "\n\n";
}

const std::string kRole = Chunk({{"role", "assistant"}, {"content", ""}});
const std::string kHello = Chunk({{"content", "Hel"}}) + Chunk({{"content", "lo"}});
const std::string kStop = Chunk(nlohmann::json::object(), "stop");
const std::string kDone = "data: [DONE]\n\n";

struct Outcome {
  State state;
  std::string text;
  std::string error;
  std::string finish;
  int reasoning = 0;
};

Outcome Decode(const std::string& body, std::size_t cut = std::string::npos) {
  std::string text;
  int reasoning = 0;
  ChatStreamDecoder d({[&](std::string_view t) { text += t; }, [&] { ++reasoning; }});
  if (cut == std::string::npos) {
    d.Feed(body);
  } else {
    d.Feed(std::string_view(body).substr(0, cut));
    d.Feed(std::string_view(body).substr(cut));
  }
  d.Finish();
  EXPECT_EQ(reasoning, d.reasoning_chunks());
  return {d.state(), text, d.error(), d.finish_reason(), reasoning};
}

TEST(ChatStreamDecoderTest, ContentUntilDone) {
  Outcome o = Decode(kRole + kHello + kStop + kDone);
  EXPECT_EQ(o.state, State::kDone);
  EXPECT_EQ(o.text, "Hello");
  EXPECT_EQ(o.finish, "stop");
}

TEST(ChatStreamDecoderTest, EveryCutPositionGivesTheSameResult) {
  std::string body = kRole + Chunk({{"reasoning_content", "hmm"}}) + kHello +
                     Chunk({{"content", "，你好"}}) + kStop + kDone;
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    SCOPED_TRACE(cut);
    Outcome o = Decode(body, cut);
    EXPECT_EQ(o.state, State::kDone);
    EXPECT_EQ(o.text, "Hello，你好");
    EXPECT_EQ(o.reasoning, 1);
  }
}

TEST(ChatStreamDecoderTest, ReasoningIsCountedNeverDelivered) {
  Outcome o =
      Decode(kRole + Chunk({{"reasoning_content", "Let me think. "}}) +
             Chunk({{"reasoning", "More thought."}}) +
             Chunk({{"reasoning_content", nullptr}, {"content", "Answer"}}) + kStop + kDone);
  EXPECT_EQ(o.text, "Answer");
  EXPECT_EQ(o.reasoning, 2);
}

TEST(ChatStreamDecoderTest, FinishReasonWithoutDoneIsComplete) {
  Outcome o = Decode(kRole + kHello + Chunk(nlohmann::json::object(), "length"));
  EXPECT_EQ(o.state, State::kDone);
  EXPECT_EQ(o.finish, "length");
}

TEST(ChatStreamDecoderTest, EndWithoutDoneOrFinishReasonIsBroken) {
  Outcome o = Decode(kRole + kHello);
  EXPECT_EQ(o.state, State::kFailed);
  EXPECT_EQ(o.text, "Hello");
  EXPECT_NE(o.error.find("ended before [DONE]"), std::string::npos) << o.error;
}

TEST(ChatStreamDecoderTest, MidStreamErrorsInAllThreeForms) {
  struct Case {
    const char* name;
    std::string tail;
    const char* message;
  };
  const Case cases[] = {
      {"data error (OpenAI)",
       "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":null}}\n\n",
       "overloaded (server_error)"},
      {"bare json (Ollama)",
       "{\"error\":{\"message\":\"runner stopped\",\"type\":\"api_error\"}}\n",
       "runner stopped (api_error)"},
      {"bare json string error", "{\"error\":\"model not loaded\"}\n", "model not loaded"},
      {"error line (llama.cpp)",
       "error: {\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}\n\n",
       "slot unavailable"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string text;
    ChatStreamDecoder d({[&](std::string_view t) { text += t; }, nullptr});
    EXPECT_EQ(d.Feed(kRole + kHello + c.tail), State::kFailed);
    EXPECT_TRUE(d.upstream_error());
    EXPECT_NE(d.error().find(c.message), std::string::npos) << d.error();
    // Nothing after the error counts, not even a [DONE].
    EXPECT_EQ(d.Feed(Chunk({{"content", "more"}}) + kDone), State::kFailed);
    EXPECT_EQ(d.Finish(), State::kFailed);
    EXPECT_EQ(text, "Hello");
  }
}

TEST(ChatStreamDecoderTest, MalformedChunkFails) {
  Outcome o = Decode(kRole + "data: {not json\n\n" + kDone);
  EXPECT_EQ(o.state, State::kFailed);
  EXPECT_NE(o.error.find("malformed"), std::string::npos);
}

TEST(ChatStreamDecoderTest, ToleratesUsageChunksKeepAlivesAndEmptyData) {
  std::string usage =
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
      "\"usage\":{\"prompt_tokens\":3}}\n\n";
  Outcome o = Decode(": keep-alive\n\n" + kRole + "data:\n\n" + kHello + kStop + usage + kDone);
  EXPECT_EQ(o.state, State::kDone);
  EXPECT_EQ(o.text, "Hello");
}

TEST(ChatStreamDecoderTest, NothingIsReadAfterDone) {
  std::string text;
  ChatStreamDecoder d({[&](std::string_view t) { text += t; }, nullptr});
  EXPECT_EQ(d.Feed(kHello + kDone + Chunk({{"content", "late"}})), State::kDone);
  EXPECT_EQ(text, "Hello");
}

TEST(ChatStreamDecoderTest, ErrorMessageOfBodies) {
  EXPECT_EQ(
      ChatStreamDecoder::ErrorMessage(
          R"({"error":{"message":"Incorrect API key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})"),
      "Incorrect API key (invalid_request_error, invalid_api_key)");
  EXPECT_EQ(ChatStreamDecoder::ErrorMessage(R"({"error":"model 'x' not found"})"),
            "model 'x' not found");
  EXPECT_EQ(ChatStreamDecoder::ErrorMessage(R"({"message":"bad"})"), "bad");
  EXPECT_EQ(ChatStreamDecoder::ErrorMessage("<html>502 Bad Gateway</html>"),
            "<html>502 Bad Gateway</html>");
  EXPECT_EQ(ChatStreamDecoder::ErrorMessage(""), "(empty body)");
}

}  // namespace
}  // namespace mv
