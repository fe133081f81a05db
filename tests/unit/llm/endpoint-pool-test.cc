#include "llm/endpoint-pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "llm/openai-llm.h"

namespace mv {
namespace {

using V = std::vector<int>;

TEST(EndpointPoolTest, FailedEndpointsGoLastUntilTheirCooldownEnds) {
  EndpointPool pool(3, 100);
  EXPECT_EQ(pool.Order(), (V{0, 1, 2}));
  pool.MarkFailed(0);
  EXPECT_TRUE(pool.CoolingDown(0));
  EXPECT_EQ(pool.Order(), (V{1, 2, 0}));
  pool.MarkFailed(2);
  EXPECT_EQ(pool.Order(), (V{1, 0, 2}));
  pool.MarkOk(2);
  EXPECT_EQ(pool.Order(), (V{1, 2, 0}));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_EQ(pool.Order(), (V{0, 1, 2}));
}

TEST(EndpointPoolTest, AllCoolingDownStillTriedInOrder) {
  EndpointPool pool(2, 10000);
  pool.MarkFailed(1);
  pool.MarkFailed(0);
  EXPECT_EQ(pool.Order(), (V{0, 1}));
}

TEST(EndpointPoolTest, ZeroCooldownNeverSkips) {
  EndpointPool pool(2, 0);
  pool.MarkFailed(0);
  EXPECT_EQ(pool.Order(), (V{0, 1}));
}

TEST(CompletionsUrlTest, AcceptsBaseOrFullUrl) {
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("http://h:11434/v1"), "http://h:11434/v1/chat/completions");
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("http://h:11434/v1/"), "http://h:11434/v1/chat/completions");
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("https://api.deepseek.com/chat/completions"),
            "https://api.deepseek.com/chat/completions");
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("http://h:8080"), "http://h:8080/v1/chat/completions");
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("http://h:8080/"), "http://h:8080/v1/chat/completions");
  EXPECT_EQ(OpenAiLlm::CompletionsUrl("https://x.azure.com/openai/deployments/d?api-version=1"),
            "https://x.azure.com/openai/deployments/d/chat/completions?api-version=1");
}

}  // namespace
}  // namespace mv
