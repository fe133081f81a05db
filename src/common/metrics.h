// Prometheus metrics: counters and histograms with labels, rendered in the
// text exposition format for GET /metrics. Cheap to update from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mv {

using Labels = std::map<std::string, std::string>;

class Metrics {
 public:
  static Metrics& Global();

  void Describe(const std::string& name, const std::string& type, const std::string& help);
  void Increment(const std::string& name, const Labels& labels = {}, double by = 1.0);
  // Buckets in seconds, e.g. for stage latencies.
  void Observe(const std::string& name, double value, const Labels& labels = {});
  double CounterValue(const std::string& name, const Labels& labels = {}) const;
  std::string Render() const;

  static const std::vector<double>& LatencyBuckets();

 private:
  struct Histogram {
    std::vector<double> bucket_counts;  // cumulative at render time
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type = "counter";
    std::string help;
    std::map<Labels, double> counters;
    std::map<Labels, Histogram> histograms;
  };
  mutable std::mutex mutex_;  // guards families_: updates are rare enough (per turn)
  std::map<std::string, Family> families_;
};

}  // namespace mv
