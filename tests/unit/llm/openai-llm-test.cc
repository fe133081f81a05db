// The "openai" engine against OpenAI-compatible fakes: what it sends, what it
// delivers, failover for every way an endpoint fails, cooldown, cancel, load.
#include "llm/openai-llm.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "net/http-client.h"

namespace mv {
namespace {

using mvtest::FakeLlmFault;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kReply = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet.";

LlmConfig Config(const std::vector<const FakeLlmServer*>& fakes, int first_token_timeout_ms = 5000,
                 int cooldown_ms = 30000) {
  LlmConfig c;
  for (const auto* f : fakes)
    c.endpoints.push_back({f->base_url(), "", "model-" + std::to_string(f->port())});
  c.first_token_timeout_ms = first_token_timeout_ms;
  c.cooldown_ms = cooldown_ms;
  return c;
}

FakeLlmOptions Reply(const std::string& reply = kReply) {
  FakeLlmOptions o;
  o.default_reply = reply;
  return o;
}

std::vector<ChatMessage> Ask(const std::string& question = "Say the alphabet.") {
  return {{"user", question}};
}

// Every word of the answer at most once: nothing heard twice.
void ExpectNoRepeatedWords(const std::string& text) {
  std::map<std::string, int> counts;
  std::istringstream in(text);
  for (std::string w; in >> w;) EXPECT_EQ(++counts[w], 1) << "'" << w << "' twice in: " << text;
}

struct ChatRun {
  LlmResult result;
  std::vector<std::string> deltas;
  std::string joined;
};

ChatRun Chat(Llm& llm, std::vector<ChatMessage> messages = Ask(), ChatOptions options = {},
             CancelToken cancel = {}) {
  ChatRun run;
  run.result = llm.Chat(std::move(messages), std::move(options), std::move(cancel),
                        [&](std::string_view d) { run.deltas.emplace_back(d); });
  for (const auto& d : run.deltas) run.joined += d;
  return run;
}

TEST(OpenAiLlmTest, StreamsTheReplyTokenByToken) {
  FakeLlmServer fake(Reply());
  auto llm = Llm::Create("openai", Config({&fake}));
  ChatRun run = Chat(*llm);
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.joined, kReply);
  EXPECT_EQ(run.result.text, kReply);
  EXPECT_EQ(run.deltas.size(), FakeLlmServer::Tokenize(kReply).size());
  EXPECT_EQ(run.result.finish_reason, "stop");
  EXPECT_EQ(run.result.endpoint, 0);
  EXPECT_EQ(run.result.endpoint_url, fake.base_url() + "/chat/completions");
  EXPECT_EQ(run.result.model, "model-" + std::to_string(fake.port()));
  EXPECT_EQ(run.result.failovers, 0);
  EXPECT_GE(run.result.first_token_ms, 0);
  EXPECT_GE(run.result.total_ms, run.result.first_token_ms);
}

TEST(OpenAiLlmTest, SendsWhatTheConfigSays) {
  FakeLlmServer fake(Reply());
  LlmConfig c = Config({&fake});
  c.endpoints[0].key = "sk-test-123";
  c.endpoints[0].url = fake.base_url() + "/chat/completions";  // the full-URL form
  c.system_prompt = "Be brief.";
  c.temperature = 0.3;
  c.max_tokens = 77;
  auto llm = Llm::Create("openai", c);
  ASSERT_TRUE(Chat(*llm, {{"user", "hi"}, {"assistant", "hello"}, {"user", "again"}}).result.ok());

  auto reqs = fake.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v1/chat/completions");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer sk-test-123");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  const auto& body = reqs[0].body;
  EXPECT_EQ(body["model"], "model-" + std::to_string(fake.port()));
  EXPECT_EQ(body["stream"], true);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.3);
  EXPECT_EQ(body["max_tokens"], 77);
  nlohmann::json expected = nlohmann::json::parse(R"([
    {"role":"system","content":"Be brief."}, {"role":"user","content":"hi"},
    {"role":"assistant","content":"hello"}, {"role":"user","content":"again"}])");
  EXPECT_EQ(body["messages"], expected);
}

TEST(OpenAiLlmTest, OwnSystemMessageWinsAndOptionsOverride) {
  FakeLlmServer fake(Reply());
  auto llm = Llm::Create("openai", Config({&fake}));  // no key: no Authorization
  ChatOptions o;
  o.temperature = 1.5;
  o.max_tokens = 9;
  ASSERT_TRUE(Chat(*llm, {{"system", "Mine."}, {"user", "hi"}}, o).result.ok());
  o.system_prompt = "";
  ASSERT_TRUE(Chat(*llm, {{"user", "hi"}}, o).result.ok());
  auto reqs = fake.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].headers.count("authorization"), 0u);
  EXPECT_EQ(reqs[0].body["messages"].size(), 2u);
  EXPECT_EQ(reqs[0].body["messages"][0]["content"], "Mine.");
  EXPECT_DOUBLE_EQ(reqs[0].body["temperature"].get<double>(), 1.5);
  EXPECT_EQ(reqs[0].body["max_tokens"], 9);
  EXPECT_EQ(reqs[1].body["messages"].size(), 1u);  // system_prompt "" sends none
}

TEST(OpenAiLlmTest, ReasoningIsNeverDelivered) {
  for (const char* field : {"reasoning_content", "reasoning"}) {
    SCOPED_TRACE(field);
    FakeLlmOptions o = Reply();
    o.reasoning_tokens = 4;
    o.reasoning_field = field;
    FakeLlmServer fake(o);
    auto llm = Llm::Create("openai", Config({&fake}));
    ChatRun run = Chat(*llm);
    ASSERT_TRUE(run.result.ok());
    EXPECT_EQ(run.joined, kReply);
    EXPECT_EQ(run.result.reasoning_chunks, 4);
    EXPECT_EQ(run.joined.find("thinking"), std::string::npos);
  }
}

TEST(OpenAiLlmTest, FinishReasonWithoutDoneAndLengthLimit) {
  FakeLlmOptions o = Reply();
  o.send_done = false;
  FakeLlmServer fake(o);
  LlmConfig c = Config({&fake});
  c.max_tokens = 3;
  auto llm = Llm::Create("openai", c);
  ChatRun run = Chat(*llm);
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.joined, "Alpha bravo charlie");
  EXPECT_EQ(run.result.finish_reason, "length");
}

TEST(OpenAiLlmTest, ServerIgnoringStreamStillAnswers) {
  FakeLlmOptions o = Reply();
  o.ignore_stream = true;
  FakeLlmServer fake(o);
  auto llm = Llm::Create("openai", Config({&fake}));
  ChatRun run = Chat(*llm);
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.joined, kReply);
  EXPECT_EQ(run.result.finish_reason, "stop");
}

TEST(OpenAiLlmTest, ThrowingListenerEndsTheCallWithoutFailover) {
  FakeLlmServer a(Reply()), b(Reply());
  auto llm = Llm::Create("openai", Config({&a, &b}));
  LlmResult r = llm->Chat(Ask(), {}, {}, [](std::string_view) { throw std::runtime_error("bug"); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind(), ErrorKind::kInternal);
  EXPECT_EQ(b.chat_requests(), 0);
}

TEST(OpenAiLlmTest, FirstTokenTimeIsMeasured) {
  FakeLlmOptions o = Reply();
  o.ttft_ms = 120;
  FakeLlmServer fake(o);
  auto llm = Llm::Create("openai", Config({&fake}));
  ChatRun run = Chat(*llm);
  ASSERT_TRUE(run.result.ok());
  EXPECT_GE(run.result.first_token_ms, 115);
}

// ---- Failover: each way the first endpoint fails, the second answers. ----

struct FailCase {
  const char* name;
  FakeLlmFault fault;  // kNone: the first endpoint refuses connections
  int after_tokens;
};

class FailoverTest : public ::testing::TestWithParam<std::tuple<FailCase, bool>> {};

TEST_P(FailoverTest, SecondEndpointAnswersAndNothingIsHeardTwice) {
  const auto& [c, honor_prefill] = GetParam();
  FakeLlmOptions o = Reply();
  o.honor_prefill = honor_prefill;
  FakeLlmServer bad(o), good(o);
  if (c.fault == FakeLlmFault::kNone) {
    bad.Refuse();
  } else {
    bad.SetFault(c.fault, c.after_tokens);
  }
  auto llm = Llm::Create("openai", Config({&bad, &good}, /*first_token_timeout_ms=*/300));
  ChatRun run = Chat(*llm);
  ASSERT_TRUE(run.result.ok()) << run.result.error->what();
  EXPECT_EQ(run.joined, kReply);
  EXPECT_EQ(run.result.text, kReply);
  ExpectNoRepeatedWords(run.joined);
  EXPECT_EQ(run.result.endpoint, 1);
  EXPECT_EQ(run.result.failovers, 1);
  ASSERT_EQ(run.result.failures.size(), 1u);
  EXPECT_NE(run.result.failures[0].find(bad.base_url()), std::string::npos);
  EXPECT_TRUE(static_cast<OpenAiLlm&>(*llm).pool().CoolingDown(0));

  // The retry carries what was already spoken as a prefill to continue.
  auto retry = good.requests();
  ASSERT_EQ(retry.size(), 1u);
  const auto& messages = retry[0].body["messages"];
  if (c.after_tokens > 0) {
    std::string spoken;
    for (int i = 0; i < c.after_tokens; ++i) spoken += FakeLlmServer::Tokenize(kReply)[i];
    EXPECT_EQ(messages.back()["role"], "assistant");
    EXPECT_EQ(messages.back()["content"], spoken);
  } else {
    EXPECT_EQ(messages.back()["role"], "user");
  }
}

const FailCase kFailCases[] = {
    {"Refused", FakeLlmFault::kNone, 0},
    {"Http500", FakeLlmFault::kHttp500, 0},
    {"Http429", FakeLlmFault::kHttp429, 0},
    {"Http401", FakeLlmFault::kHttp401, 0},
    {"SilentNoHead", FakeLlmFault::kStallSilent, 0},
    {"HeadThenNoToken", FakeLlmFault::kStallAfterHead, 0},
    {"ErrorEvent", FakeLlmFault::kErrorEvent, 3},
    {"OllamaBareJsonError", FakeLlmFault::kErrorBareJson, 3},
    {"LlamaCppErrorLine", FakeLlmFault::kErrorLine, 3},
    {"ConnectionCut", FakeLlmFault::kCut, 3},
    {"EndsWithoutFinish", FakeLlmFault::kEndEarly, 3},
    {"ErrorBeforeAnyToken", FakeLlmFault::kErrorEvent, 0},
};

INSTANTIATE_TEST_SUITE_P(EachFailure, FailoverTest,
                         ::testing::Combine(::testing::ValuesIn(kFailCases), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) ? "_Prefill" : "_Restart");
                         });

TEST(OpenAiLlmTest, RequestErrorsDoNotFailOver) {
  FakeLlmServer bad(Reply()), good(Reply());
  bad.SetFault(FakeLlmFault::kHttp400);
  auto llm = Llm::Create("openai", Config({&bad, &good}));
  ChatRun run = Chat(*llm);
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->kind(), ErrorKind::kInvalidInput);
  EXPECT_NE(std::string(run.result.error->what()).find("context length"), std::string::npos)
      << run.result.error->what();
  EXPECT_EQ(good.chat_requests(), 0);
  EXPECT_FALSE(static_cast<OpenAiLlm&>(*llm).pool().CoolingDown(0));
}

TEST(OpenAiLlmTest, AllEndpointsFailingNamesEveryFailure) {
  FakeLlmServer a(Reply()), b(Reply());
  a.SetFault(FakeLlmFault::kHttp500);
  b.SetFault(FakeLlmFault::kHttp429);
  auto llm = Llm::Create("openai", Config({&a, &b}));
  ChatRun run = Chat(*llm);
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->kind(), ErrorKind::kUpstream);
  std::string what = run.result.error->what();
  EXPECT_NE(what.find("all 2 LLM endpoints failed"), std::string::npos) << what;
  // The error says how many failed; why each failed (URLs, statuses) is in
  // `failures` and the log, never in a text that may reach a client.
  EXPECT_EQ(what.find("127.0.0.1"), std::string::npos) << what;
  ASSERT_EQ(run.result.failures.size(), 2u);
  EXPECT_NE(run.result.failures[0].find("HTTP 500"), std::string::npos) << run.result.failures[0];
  EXPECT_NE(run.result.failures[1].find("HTTP 429: Rate limit"), std::string::npos)
      << run.result.failures[1];
}

TEST(OpenAiLlmTest, NoEndpointIsUnavailable) {
  auto llm = Llm::Create("openai", LlmConfig{});
  ChatRun run = Chat(*llm);
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error->kind(), ErrorKind::kUnavailable);
}

TEST(OpenAiLlmTest, UnknownEngineIsRejected) {
  EXPECT_THROW(Llm::Create("nope", LlmConfig{}), Error);
  EXPECT_EQ(Llm::Engines(), std::vector<std::string>{"openai"});
}

// ---- Cooldown ----

TEST(OpenAiLlmTest, FailedEndpointSitsOutItsCooldown) {
  FakeLlmServer a(Reply("from a")), b(Reply("from b"));
  a.SetFault(FakeLlmFault::kHttp500, 0, /*times=*/1);
  auto llm = Llm::Create("openai", Config({&a, &b}, 5000, /*cooldown_ms=*/400));
  EXPECT_EQ(Chat(*llm).result.text, "from b");  // a failed
  EXPECT_EQ(Chat(*llm).result.text, "from b");  // a skipped
  EXPECT_EQ(a.chat_requests(), 1);
  std::this_thread::sleep_for(450ms);
  EXPECT_EQ(Chat(*llm).result.text, "from a");  // back after its cooldown
  EXPECT_EQ(a.chat_requests(), 2);
}

TEST(OpenAiLlmTest, AllCoolingDownAreStillTriedInOrder) {
  FakeLlmServer a(Reply("from a")), b(Reply("from b"));
  a.SetFault(FakeLlmFault::kHttp500, 0, 1);
  b.SetFault(FakeLlmFault::kHttp500, 0, 1);
  auto llm = Llm::Create("openai", Config({&a, &b}, 5000, 60000));
  EXPECT_FALSE(Chat(*llm).result.ok());
  ChatRun run = Chat(*llm);
  EXPECT_EQ(run.result.text, "from a");
  EXPECT_EQ(run.result.failovers, 0);
}

// ---- Cancellation ----

TEST(OpenAiLlmTest, CancelMidAnswerClosesTheUpstreamAtOnce) {
  FakeLlmOptions o = Reply();
  o.tokens_per_s = 20;
  FakeLlmServer fake(o);
  auto llm = Llm::Create("openai", Config({&fake}));
  CancelToken cancel;
  Clock::time_point cancelled_at;
  int deltas_at_cancel = 0;
  std::vector<std::string> deltas;
  LlmResult result = llm->Chat(Ask(), {}, cancel, [&](std::string_view d) {
    deltas.emplace_back(d);
    if (deltas.size() == 2) {
      cancelled_at = Clock::now();
      deltas_at_cancel = 2;
      cancel.Cancel();
    }
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind(), ErrorKind::kCancelled);
  EXPECT_EQ(deltas.size(), 2u);
  EXPECT_EQ(deltas_at_cancel, 2);
  EXPECT_EQ(result.text, "Alpha bravo");
  auto gone = fake.WaitForDisconnect(30000);
  ASSERT_TRUE(gone);
  EXPECT_GE(*gone, cancelled_at);
}

TEST(OpenAiLlmTest, CancelBeforeTheFirstTokenClosesTheUpstreamAtOnce) {
  FakeLlmOptions o = Reply();
  o.ttft_ms = 300000;  // the first token never comes within the test: only the cancel ends it
  FakeLlmServer fake(o);
  auto llm = Llm::Create("openai", Config({&fake}, 600000));
  CancelToken cancel;
  std::promise<LlmResult> done;
  llm->StreamChat(Ask(), {}, cancel, nullptr, [&](LlmResult r) { done.set_value(std::move(r)); });
  while (fake.chat_requests() == 0) std::this_thread::sleep_for(5ms);
  auto cancelled_at = Clock::now();
  cancel.Cancel();
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(60s), std::future_status::ready);
  EXPECT_EQ(future.get().error->kind(), ErrorKind::kCancelled);
  auto gone = fake.WaitForDisconnect(60000);
  ASSERT_TRUE(gone);
  EXPECT_GE(*gone, cancelled_at);
}

TEST(OpenAiLlmTest, DestroyingTheEngineEndsCallsInFlight) {
  FakeLlmOptions o = Reply();
  o.ttft_ms = 5000;
  FakeLlmServer fake(o);
  auto llm = Llm::Create("openai", Config({&fake}, 10000));
  std::promise<LlmResult> done;
  llm->StreamChat(Ask(), {}, {}, nullptr, [&](LlmResult r) { done.set_value(std::move(r)); });
  while (fake.chat_requests() == 0) std::this_thread::sleep_for(5ms);
  llm.reset();
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(future.get().error->kind(), ErrorKind::kCancelled);
}

// ---- Load ----

TEST(OpenAiLlmTest, TwentyConcurrentConversationsOnOneEngine) {
  FakeLlmOptions o;
  o.tokens_per_s = 200;
  FakeLlmServer fake(o);
  fake.SetReplyFunction(FakeLlmServer::EchoLastUser());
  auto client = std::make_shared<HttpClient>(2);
  auto llm = Llm::Create("openai", Config({&fake}), client);
  constexpr int kConversations = 20;
  std::vector<std::future<ChatRun>> runs;
  for (int i = 0; i < kConversations; ++i) {
    runs.push_back(std::async(std::launch::async, [&, i] {
      return Chat(*llm, Ask("question number " + std::to_string(i)));
    }));
  }
  for (int i = 0; i < kConversations; ++i) {
    ChatRun run = runs[i].get();
    ASSERT_TRUE(run.result.ok()) << run.result.error->what();
    EXPECT_EQ(run.joined, "You said: question number " + std::to_string(i));
  }
  EXPECT_EQ(fake.chat_requests(), kConversations);
}

}  // namespace
}  // namespace mv
