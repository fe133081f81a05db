// The MCP client and the tool registry against the real reference server
// (@modelcontextprotocol/server-everything from npm) over stdio and
// Streamable HTTP: handshake, tools/list and list_changed, tools/call, the
// stdio environment, size limits, timeouts, cancellation, a server that is
// down and comes back.
#include "tools/tool-registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "unit/tools/mcp-test-util.h"

namespace mv {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kWait = 60s;  // generous: node starts slowly on a busy machine

ToolsConfig Stdio(std::map<std::string, std::string> env = {}) {
  ToolsConfig c;
  c.mcp_servers.push_back(mvtest::EverythingStdio("everything", std::move(env)));
  c.connect_timeout_ms = 60000;
  return c;
}

ToolOutcome CallSync(ToolRegistry& r, const std::string& name, const json& args,
                     CancelToken cancel = {}) {
  std::promise<ToolOutcome> p;
  r.Call({"call_1", name, args.dump()}, cancel, [&](ToolOutcome o) { p.set_value(std::move(o)); });
  auto f = p.get_future();
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready);
  return f.get();
}

// Waits (event-free, bounded) until `pred` holds.
template <class P>
bool WaitUntil(P pred, std::chrono::seconds limit = kWait) {
  const auto end = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

bool HasSpec(const ToolRegistry& r, const std::string& name) {
  for (const ToolSpec& s : r.Specs())
    if (s.name == name) return true;
  return false;
}

TEST(ToolRegistryTest, ExposedNamesAreSafeFunctionNames) {
  EXPECT_EQ(ToolRegistry::ExposedName("everything", "get-sum"), "everything_get-sum");
  EXPECT_EQ(ToolRegistry::ExposedName("home", "lights.on/kitchen"), "home_lights_on_kitchen");
  EXPECT_EQ(ToolRegistry::ExposedName("s", std::string(100, 'x')).size(), 64u);
}

TEST(ToolRegistryTest, StdioServerListsAndCallsItsTools) {
  MV_REQUIRE_EVERYTHING();
  ToolRegistry r(Stdio());
  r.Start();
  ASSERT_TRUE(r.Status()[0].connected);
  for (const char* t :
       {"everything_echo", "everything_get-sum", "everything_trigger-long-running-operation"})
    EXPECT_TRUE(HasSpec(r, t)) << t;
  for (const ToolSpec& s : r.Specs()) {
    EXPECT_LE(s.name.size(), 64u);
    EXPECT_EQ(s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_-"),
              std::string::npos)
        << s.name;
  }
  ToolSpec sum;
  for (const ToolSpec& s : r.Specs())
    if (s.name == "everything_get-sum") sum = s;
  EXPECT_EQ(json::parse(sum.parameters_json)["properties"]["a"]["type"], "number");

  ToolOutcome echo = CallSync(r, "everything_echo", {{"message", "hello there"}});
  EXPECT_EQ(echo.outcome, "ok");
  EXPECT_EQ(echo.content, "Echo: hello there");
  ToolOutcome add = CallSync(r, "everything_get-sum", {{"a", 17}, {"b", 25}});
  EXPECT_EQ(add.outcome, "ok");
  EXPECT_EQ(add.content, "The sum of 17 and 25 is 42.");
  // The server validates: a bad argument is an error result, not a crash.
  ToolOutcome bad = CallSync(r, "everything_get-sum", {{"a", "x"}});
  EXPECT_EQ(bad.outcome, "error");
  EXPECT_EQ(bad.content.rfind("error: ", 0), 0u) << bad.content;
  ToolOutcome unknown = CallSync(r, "everything_nope", json::object());
  EXPECT_EQ(unknown.outcome, "unknown");
}

TEST(ToolRegistryTest, ToolListIsRefreshedOnListChanged) {
  MV_REQUIRE_EVERYTHING();
  ToolRegistry r(Stdio());
  r.Start();
  // The server registers more tools once initialized and says so with
  // notifications/tools/list_changed: the client lists again.
  auto client = r.client("everything");
  ASSERT_TRUE(WaitUntil([&] { return client->list_refreshes() >= 2; }))
      << "refreshes: " << client->list_refreshes();
  EXPECT_TRUE(HasSpec(r, "everything_simulate-research-query"));
}

TEST(ToolRegistryTest, StdioServerGetsOnlyTheConfiguredEnvironment) {
  MV_REQUIRE_EVERYTHING();
  ::setenv("MV_TOOLS_TEST_SECRET", "must-not-leak", 1);
  ToolRegistry r(Stdio({{"MV_TOOLS_TEST_GIVEN", "yes"}}));
  r.Start();
  ToolOutcome env = CallSync(r, "everything_get-env", json::object());
  ASSERT_EQ(env.outcome, "ok") << env.content;
  json vars = json::parse(env.content);
  EXPECT_EQ(vars.value("MV_TOOLS_TEST_GIVEN", ""), "yes");
  EXPECT_FALSE(vars.contains("MV_TOOLS_TEST_SECRET")) << env.content;
  EXPECT_FALSE(vars.contains("HOME")) << env.content;
  EXPECT_FALSE(vars.contains("PATH")) << env.content;
  ::unsetenv("MV_TOOLS_TEST_SECRET");
}

TEST(ToolRegistryTest, ArgumentsAndResultsAreSizeLimited) {
  MV_REQUIRE_EVERYTHING();
  ToolsConfig c = Stdio();
  c.max_argument_bytes = 64;
  c.max_result_bytes = 20;
  ToolRegistry r(c);
  r.Start();
  ToolOutcome big = CallSync(r, "everything_echo", {{"message", std::string(100, 'a')}});
  EXPECT_EQ(big.outcome, "too_large");
  ToolOutcome cut = CallSync(r, "everything_echo", {{"message", std::string(40, 'b')}});
  EXPECT_EQ(cut.outcome, "ok");
  EXPECT_EQ(cut.content, "Echo: " + std::string(14, 'b') + " [truncated]");
}

TEST(ToolRegistryTest, SlowCallTimesOutAndCancelStopsACall) {
  MV_REQUIRE_EVERYTHING();
  ToolsConfig c = Stdio();
  c.call_timeout_ms = 300;
  ToolRegistry r(c);
  r.Start();
  ToolOutcome slow =
      CallSync(r, "everything_trigger-long-running-operation", {{"duration", 30}, {"steps", 3}});
  EXPECT_EQ(slow.outcome, "timeout") << slow.content;

  ToolsConfig c2 = Stdio();
  c2.call_timeout_ms = 120000;
  ToolRegistry r2(c2);
  r2.Start();
  CancelToken cancel;
  std::promise<ToolOutcome> p;
  const auto start = Clock::now();
  r2.Call({"c", "everything_trigger-long-running-operation", R"({"duration":60,"steps":60})"},
          cancel, [&](ToolOutcome o) { p.set_value(std::move(o)); });
  cancel.Cancel();
  auto f = p.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(f.get().outcome, "cancelled");
  EXPECT_LT(Clock::now() - start, 50s) << "a 60 s operation was not waited for";
  // The server is still there for the next call.
  EXPECT_EQ(CallSync(r2, "everything_echo", {{"message", "still here"}}).content,
            "Echo: still here");
}

TEST(ToolRegistryTest, StreamableHttpServerWithSession) {
  MV_REQUIRE_EVERYTHING();
  mvtest::EverythingHttp server;
  server.Start();
  ToolsConfig c;
  McpServerConfig s;
  s.name = "web";
  s.url = server.url();
  s.headers = {{"X-Test", "1"}};
  c.mcp_servers.push_back(s);
  c.connect_timeout_ms = 60000;
  ToolRegistry r(c);
  r.Start();
  ASSERT_TRUE(r.Status()[0].connected);
  EXPECT_TRUE(HasSpec(r, "web_get-sum"));
  // Several calls on the one session (Mcp-Session-Id on each).
  EXPECT_EQ(CallSync(r, "web_get-sum", {{"a", 1}, {"b", 2}}).content, "The sum of 1 and 2 is 3.");
  EXPECT_EQ(CallSync(r, "web_echo", {{"message", "over http"}}).content, "Echo: over http");
  CancelToken cancel;
  std::promise<ToolOutcome> p;
  r.Call({"c", "web_trigger-long-running-operation", R"({"duration":60,"steps":60})"}, cancel,
         [&](ToolOutcome o) { p.set_value(std::move(o)); });
  cancel.Cancel();
  auto f = p.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(f.get().outcome, "cancelled");
}

TEST(ToolRegistryTest, AServerThatIsDownIsReportedRetriedAndTheOthersWork) {
  MV_REQUIRE_EVERYTHING();
  mvtest::EverythingHttp later;  // not started yet: connections are refused
  ToolsConfig c = Stdio();
  McpServerConfig missing;
  missing.name = "missing";
  missing.command = "/nonexistent/mcp-server";
  c.mcp_servers.push_back(missing);
  McpServerConfig web;
  web.name = "web";
  web.url = later.url();
  c.mcp_servers.push_back(web);
  c.retry_ms = 200;
  ToolRegistry r(c);
  r.Start();
  auto status = r.Status();
  EXPECT_TRUE(status[0].connected);
  EXPECT_FALSE(status[1].connected);
  EXPECT_FALSE(status[2].connected);
  EXPECT_TRUE(HasSpec(r, "everything_echo"));
  EXPECT_FALSE(HasSpec(r, "web_echo"));
  EXPECT_EQ(CallSync(r, "everything_echo", {{"message", "ok"}}).content, "Echo: ok");
  later.Start();
  ASSERT_TRUE(WaitUntil([&] { return HasSpec(r, "web_echo"); })) << "the retry never connected";
  EXPECT_EQ(CallSync(r, "web_echo", {{"message", "back"}}).content, "Echo: back");
}

}  // namespace
}  // namespace mv
