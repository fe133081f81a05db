// LLM discovery against the OpenAI-compatible double: which server and model
// it picks (Ollama's /api/tags tells chat from embedding models), none, and a
// server that comes and goes between rounds.
#include "llm/llm-discovery.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake-llm-server.h"
#include "llm/llm-config.h"

namespace mv {
namespace {

using json = nlohmann::json;
using mvtest::FakeLlmOptions;
using mvtest::FakeLlmServer;

// Polls `done` until it holds or 60 s pass (rounds take milliseconds).
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string Root(const FakeLlmServer& f) { return "http://127.0.0.1:" + std::to_string(f.port()); }

// A port nobody listens on: a double's, once stopped.
std::string DeadRoot() {
  FakeLlmServer gone;
  return Root(gone);
}

FakeLlmOptions Ollama() {
  FakeLlmOptions o;
  o.ollama_models = {{"nomic-embed-text:latest", "nomic-bert"},
                     {"llama3.2:latest", "llama"},
                     {"qwen2.5:7b", "qwen2"}};
  return o;
}

TEST(LlmDiscoveryTest, DefaultsAreTheUsualLocalServers) {
  EXPECT_EQ(LlmConfig().discover_urls,
            (std::vector<std::string>{"http://127.0.0.1:11434", "http://127.0.0.1:1234",
                                      "http://127.0.0.1:8080", "http://127.0.0.1:8000"}));
  EXPECT_TRUE(LlmConfig().discover);
  EXPECT_EQ(LlmConfig().discover_interval_ms, 30000);
  EXPECT_EQ(LlmDiscovery::ServerName("http://127.0.0.1:1234", "organization_owner", false),
            "LM Studio");
  EXPECT_EQ(LlmDiscovery::ServerName("http://127.0.0.1:9", "vllm", false), "vLLM");
  EXPECT_EQ(LlmDiscovery::ServerName("http://127.0.0.1:8080", "", false),
            "llama.cpp server or LocalAI");
}

TEST(LlmDiscoveryTest, OllamaTagsTellChatModelsFromEmbeddingOnes) {
  // The shape of Ollama's GET /api/tags, families null as older servers send.
  const json tags = json::parse(R"({"models": [
    {"name": "nomic-embed-text:latest", "model": "nomic-embed-text:latest", "size": 274302450,
     "details": {"format": "gguf", "family": "nomic-bert", "families": ["nomic-bert"],
                 "parameter_size": "137M", "quantization_level": "F16"}},
    {"name": "mxbai-large:latest", "model": "mxbai-large:latest",
     "details": {"family": "bert", "families": ["bert"]}},
    {"name": "llama3.2:latest", "model": "llama3.2:latest",
     "details": {"family": "llama", "families": null, "parameter_size": "3.2B"}},
    {"name": "llava:7b", "model": "llava:7b",
     "details": {"family": "llama", "families": ["llama", "clip"]}},
    {"name": "bge-m3:latest", "model": "bge-m3:latest", "details": {"family": "xlm-roberta"}}
  ]})");
  EXPECT_EQ(LlmDiscovery::ChatModelsFromOllamaTags(tags),
            (std::vector<std::string>{"llama3.2:latest", "llava:7b"}));
  EXPECT_TRUE(LlmDiscovery::ChatModelsFromOllamaTags(json::parse("[1]")).empty());
}

TEST(LlmDiscoveryTest, OpenAiModelListLeavesEmbeddingModelsOut) {
  // LM Studio lists its embedding model beside the chat ones.
  const json list = json::parse(R"({"object": "list", "data": [
    {"id": "text-embedding-nomic-embed-text-v1.5", "object": "model", "owned_by": "organization_owner"},
    {"id": "qwen2.5-7b-instruct", "object": "model", "owned_by": "organization_owner"},
    {"id": 7}, {"object": "model"}]})");
  EXPECT_EQ(LlmDiscovery::ChatModelsFromOpenAi(list),
            (std::vector<std::string>{"qwen2.5-7b-instruct"}));
}

TEST(LlmDiscoveryTest, FindsTheFirstServerThatAnswersAndItsFirstChatModel) {
  FakeLlmServer ollama(Ollama());
  FakeLlmServer other;
  LlmDiscovery d({{DeadRoot(), Root(ollama) + "/v1/", Root(other)}, 30000, 3000});
  d.Start();
  ASSERT_TRUE(WaitFor([&] { return d.State().rounds >= 1; }));
  LlmDiscoveryState s = d.State();
  ASSERT_TRUE(s.found) << s.reason;
  EXPECT_EQ(s.found->server, "Ollama");
  EXPECT_EQ(s.found->base_url, Root(ollama) + "/v1");  // not `other`: the first that answers
  EXPECT_EQ(s.found->model, "llama3.2:latest");  // the embedding model listed first is skipped
  EXPECT_EQ(s.found->models, (std::vector<std::string>{"llama3.2:latest", "qwen2.5:7b"}));
}

TEST(LlmDiscoveryTest, AnOpenAiServerWithoutTagsUsesItsModelList) {
  FakeLlmOptions o;
  o.model = "qwen2.5-7b-instruct";
  FakeLlmServer server(o);
  LlmDiscovery d({{Root(server)}, 30000, 3000});
  d.Start();
  ASSERT_TRUE(WaitFor([&] { return d.State().rounds >= 1; }));
  ASSERT_TRUE(d.State().found) << d.State().reason;
  EXPECT_EQ(d.State().found->model, "qwen2.5-7b-instruct");
  EXPECT_EQ(d.State().found->server, "OpenAI-compatible server");
}

TEST(LlmDiscoveryTest, NothingListeningSaysSoForEveryAddress) {
  const std::string a = DeadRoot(), b = DeadRoot();
  LlmDiscovery d({{a, b}, 30000, 3000});
  d.Start();
  ASSERT_TRUE(WaitFor([&] { return d.State().rounds >= 1; }));
  LlmDiscoveryState s = d.State();
  EXPECT_FALSE(s.found);
  EXPECT_NE(s.reason.find(a + " (nothing listening)"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find(b + " (nothing listening)"), std::string::npos) << s.reason;
}

TEST(LlmDiscoveryTest, AServerWithOnlyEmbeddingModelsIsPassedOver) {
  FakeLlmOptions o;
  o.ollama_models = {{"nomic-embed-text:latest", "nomic-bert"}};
  FakeLlmServer embed_only(o);
  LlmDiscovery d({{Root(embed_only)}, 30000, 3000});
  d.Start();
  ASSERT_TRUE(WaitFor([&] { return d.State().rounds >= 1; }));
  EXPECT_FALSE(d.State().found);
  EXPECT_NE(d.State().reason.find("serves no chat model"), std::string::npos) << d.State().reason;
}

TEST(LlmDiscoveryTest, LaterRoundsSeeAServerComeAndGo) {
  FakeLlmServer server(Ollama());
  server.Refuse();  // not running yet
  LlmDiscovery d({{Root(server)}, 1000, 3000});
  d.Start();
  ASSERT_TRUE(WaitFor([&] { return d.State().rounds >= 1; }));
  EXPECT_FALSE(d.State().found);
  server.Resume();  // started while the server runs
  ASSERT_TRUE(WaitFor([&] { return d.State().found.has_value(); })) << d.State().reason;
  EXPECT_EQ(d.State().found->model, "llama3.2:latest");
  server.Refuse();  // and stopped again
  ASSERT_TRUE(WaitFor([&] { return !d.State().found.has_value(); }));
  EXPECT_NE(d.State().reason.find("nothing listening"), std::string::npos) << d.State().reason;
}

TEST(LlmDiscoveryTest, DestroyingItMidRoundIsClean) {
  FakeLlmOptions o = Ollama();
  o.ttft_ms = 0;
  FakeLlmServer server(o);
  for (int i = 0; i < 20; ++i) {
    LlmDiscovery d({{Root(server), DeadRoot()}, 1000, 3000});
    d.Start();
  }
  SUCCEED();
}

}  // namespace
}  // namespace mv
