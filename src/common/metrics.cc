#include "common/metrics.h"

#include <cmath>
#include <sstream>

namespace mv {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string LabelText(const Labels& labels, const std::string& extra_key = "",
                      const std::string& extra_value = "") {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels) parts.push_back(k + "=\"" + Escape(v) + "\"");
  if (!extra_key.empty()) parts.push_back(extra_key + "=\"" + extra_value + "\"");
  if (parts.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out + "}";
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream ss;
  ss.precision(10);
  ss << v;
  return ss.str();
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics metrics;
  return metrics;
}

const std::vector<double>& Metrics::LatencyBuckets() {
  static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,    2.5,   5,    10,  30};
  return buckets;
}

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& f = families_[name];
  f.type = type;
  f.help = help;
}

void Metrics::Increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  families_[name].counters[labels] += by;
}

void Metrics::Observe(const std::string& name, double value, const Labels& labels) {
  const auto& buckets = LatencyBuckets();
  std::lock_guard lock(mutex_);
  auto& f = families_[name];
  f.type = "histogram";
  auto& h = f.histograms[labels];
  if (h.bucket_counts.empty()) h.bucket_counts.assign(buckets.size(), 0);
  for (size_t i = 0; i < buckets.size(); ++i)
    if (value <= buckets[i]) h.bucket_counts[i] += 1;
  h.sum += value;
  h.count += 1;
}

double Metrics::CounterValue(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto c = f->second.counters.find(labels);
  return c == f->second.counters.end() ? 0 : c->second;
}

std::string Metrics::Render() const {
  const auto& buckets = LatencyBuckets();
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    if (f.type == "histogram") {
      for (const auto& [labels, h] : f.histograms) {
        for (size_t i = 0; i < buckets.size(); ++i)
          out += name + "_bucket" + LabelText(labels, "le", Number(buckets[i])) + " " +
                 Number(h.bucket_counts[i]) + "\n";
        out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " + Number(h.count) + "\n";
        out += name + "_sum" + LabelText(labels) + " " + Number(h.sum) + "\n";
        out += name + "_count" + LabelText(labels) + " " + Number(h.count) + "\n";
      }
    } else {
      if (f.counters.empty()) out += name + " 0\n";
      for (const auto& [labels, v] : f.counters)
        out += name + LabelText(labels) + " " + Number(v) + "\n";
    }
  }
  return out;
}

}  // namespace mv
