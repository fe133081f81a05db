// Metrics: counters add per label set, histograms fill cumulative buckets,
// and the text exposition format is what Prometheus parses.
#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mv {
namespace {

TEST(Metrics, CountersAddPerLabelSet) {
  Metrics m;
  m.Increment("mv_requests_total", {{"route", "/a"}});
  m.Increment("mv_requests_total", {{"route", "/a"}}, 2);
  m.Increment("mv_requests_total", {{"route", "/b"}});
  EXPECT_EQ(m.CounterValue("mv_requests_total", {{"route", "/a"}}), 3);
  EXPECT_EQ(m.CounterValue("mv_requests_total", {{"route", "/b"}}), 1);
  EXPECT_EQ(m.CounterValue("mv_requests_total", {{"route", "/c"}}), 0);
  EXPECT_EQ(m.CounterValue("mv_unknown"), 0);
}

TEST(Metrics, RendersTheTextFormat) {
  Metrics m;
  m.Describe("mv_turns_total", "counter", "Finished turns.");
  m.Describe("mv_idle_total", "counter", "Never incremented.");
  m.Increment("mv_turns_total", {{"route", "/x"}, {"engine", "flite"}}, 2);
  const std::string text = m.Render();
  EXPECT_NE(text.find("# HELP mv_turns_total Finished turns.\n# TYPE mv_turns_total counter\n"),
            std::string::npos)
      << text;
  // Labels sorted by name, values quoted.
  EXPECT_NE(text.find("mv_turns_total{engine=\"flite\",route=\"/x\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("mv_idle_total 0\n"), std::string::npos) << text;
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.Increment("mv_x_total", {{"v", "a\"b\\c\nd"}});
  EXPECT_NE(m.Render().find("mv_x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos)
      << m.Render();
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Observe("mv_stage_seconds", 0.003, {{"stage", "asr"}});
  m.Observe("mv_stage_seconds", 0.2, {{"stage", "asr"}});
  m.Observe("mv_stage_seconds", 100, {{"stage", "asr"}});
  const std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE mv_stage_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("mv_stage_seconds_bucket{stage=\"asr\",le=\"0.005\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("mv_stage_seconds_bucket{stage=\"asr\",le=\"0.25\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("mv_stage_seconds_bucket{stage=\"asr\",le=\"30\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("mv_stage_seconds_bucket{stage=\"asr\",le=\"+Inf\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("mv_stage_seconds_count{stage=\"asr\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("mv_stage_seconds_sum{stage=\"asr\"} 100.203\n"), std::string::npos) << text;
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) m.Increment("mv_n_total");
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.CounterValue("mv_n_total"), 4000);
}

}  // namespace
}  // namespace mv
