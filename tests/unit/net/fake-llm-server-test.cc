// The LLM double must speak PROTOCOLS.md B5 exactly, or the client tests that
// use it prove nothing: checked here byte by byte through the real client.
#include "fakes/fake-llm-server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "net/http-client.h"

namespace mvtest {
namespace {

using nlohmann::json;

class FakeLlmServerTest : public ::testing::Test {
 protected:
  mv::ClientResponse Post(const json& body) {
    mv::ClientRequest r;
    r.method = "POST";
    r.url = fake_.base_url() + "/chat/completions";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body.dump();
    return client_.Fetch(r);
  }
  static json Request(bool stream) {
    return {
        {"model", "m"}, {"stream", stream}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
  }
  // The "data: " payloads of an SSE body.
  static std::vector<std::string> Events(const std::string& body) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = body.find("data: ", at)) != std::string::npos) {
      std::size_t end = body.find("\n\n", at);
      out.push_back(body.substr(at + 6, end - at - 6));
      at = end;
    }
    return out;
  }

  FakeLlmServer fake_{[] {
    FakeLlmOptions o;
    o.default_reply = "Hi there, friend.";
    return o;
  }()};
  mv::HttpClient client_{1};
};

TEST_F(FakeLlmServerTest, StreamsChunksRoleFirstThenContentThenFinishThenDone) {
  auto res = Post(Request(true));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("content-type"), "text/event-stream");
  auto events = Events(res.body);
  ASSERT_EQ(events.size(), 1 + 3 + 1 + 1u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_TRUE(events[i].starts_with("{\"id\":\"chatcmpl-")) << events[i];
    json c = json::parse(events[i]);
    EXPECT_EQ(c["object"], "chat.completion.chunk");
    EXPECT_TRUE(c["id"].is_string() && c["created"].is_number_integer());
    EXPECT_EQ(c["model"], "m");
    ASSERT_EQ(c["choices"].size(), 1u);
    const json& choice = c["choices"][0];
    EXPECT_EQ(choice["index"], 0);
    if (i == 0) {
      EXPECT_EQ(choice["delta"]["role"], "assistant");
    } else {
      EXPECT_FALSE(choice["delta"].contains("role"));
    }
    if (choice["delta"].contains("content")) text += choice["delta"]["content"].get<std::string>();
    EXPECT_EQ(choice["finish_reason"], i + 2 == events.size() ? json("stop") : json(nullptr));
  }
  EXPECT_EQ(text, "Hi there, friend.");
}

TEST_F(FakeLlmServerTest, NonStreamingAnswerIsOneCompletion) {
  auto res = Post(Request(false));
  EXPECT_EQ(res.status, 200);
  json j = json::parse(res.body);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(j["choices"][0]["message"]["content"], "Hi there, friend.");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(j["usage"]["completion_tokens"], 3);
}

TEST_F(FakeLlmServerTest, ListsModels) {
  mv::ClientRequest r;
  r.url = fake_.base_url() + "/models";
  json j = json::parse(client_.Fetch(r).body);
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["data"][0]["object"], "model");
  EXPECT_EQ(j["data"][0]["id"], "fake-llm");
}

TEST_F(FakeLlmServerTest, HttpErrorsCarryTheOpenAiErrorObject) {
  fake_.SetFault(FakeLlmFault::kHttp429, 0, 1);
  auto res = Post(Request(true));
  EXPECT_EQ(res.status, 429);
  json e = json::parse(res.body)["error"];
  for (const char* key : {"message", "type", "param", "code"}) EXPECT_TRUE(e.contains(key)) << key;
  EXPECT_EQ(Post(Request(true)).status, 200);  // times = 1
}

TEST_F(FakeLlmServerTest, MidStreamErrorsLookLikeTheRealServers) {
  fake_.SetFault(FakeLlmFault::kErrorEvent, 1, 1);
  std::string body = Post(Request(true)).body;
  EXPECT_NE(body.find("data: {\"error\":{"), std::string::npos) << body;
  EXPECT_EQ(body.find("[DONE]"), std::string::npos);

  fake_.SetFault(FakeLlmFault::kErrorBareJson, 1, 1);
  body = Post(Request(true)).body;
  EXPECT_NE(body.find("\n\n{\"error\":{"), std::string::npos) << body;  // no "data:"
  EXPECT_EQ(body.find("[DONE]"), std::string::npos);

  fake_.SetFault(FakeLlmFault::kErrorLine, 1, 1);
  body = Post(Request(true)).body;
  EXPECT_NE(body.find("\n\nerror: {"), std::string::npos) << body;
}

TEST_F(FakeLlmServerTest, PrefillIsContinuedOrIgnored) {
  json req = Request(true);
  req["messages"].push_back({{"role", "assistant"}, {"content", "Hi there,"}});
  auto text = [&] {
    std::string t;
    for (const auto& e : Events(Post(req).body)) {
      if (e == "[DONE]") break;
      json d = json::parse(e)["choices"][0]["delta"];
      if (d.contains("content")) t += d["content"].get<std::string>();
    }
    return t;
  };
  EXPECT_EQ(text(), " friend.");
  FakeLlmOptions o = fake_.options();
  o.honor_prefill = false;
  fake_.set_options(o);
  EXPECT_EQ(text(), "Hi there, friend.");
}

TEST_F(FakeLlmServerTest, RefuseAndResumeOnTheSamePort) {
  int port = fake_.port();
  fake_.Refuse();
  EXPECT_THROW(Post(Request(true)), mv::Error);
  fake_.Resume();
  EXPECT_EQ(fake_.port(), port);
  EXPECT_EQ(Post(Request(true)).status, 200);
}

TEST(FakeLlmTokenizeTest, WordsKeepTheirLeadingSpaceAndCjkSplitsPerCharacter) {
  EXPECT_EQ(FakeLlmServer::Tokenize("Hi there,  you."),
            (std::vector<std::string>{"Hi", " there,", "  you."}));
  EXPECT_EQ(FakeLlmServer::Tokenize("你好ok"), (std::vector<std::string>{"你", "好", "ok"}));
}

}  // namespace
}  // namespace mvtest
