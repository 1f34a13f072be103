#include "emulator/server/metrics.h"

#include <cmath>
#include <cstdio>

#include "emulator/core/broker.h"

namespace eventfabric::server {
namespace {

constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string label_text(const labels& l, std::string_view extra_key = {}, std::string_view extra_value = {}) {
  std::string out;
  for (const auto& [k, v] : l) out += (out.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  if (!extra_key.empty()) out += (out.empty() ? "" : ",") + std::string(extra_key) + "=\"" + std::string(extra_value) + "\"";
  return out.empty() ? "" : "{" + out + "}";
}

std::string number(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void broker_gauges(core::broker& b, std::string& out) {
  out += "# HELP eventfabric_consumer_lag Records not yet committed by a group, per partition.\n"
         "# TYPE eventfabric_consumer_lag gauge\n";
  for (const auto& g : b.groups().list())
    if (auto lag = b.groups().lag(g))
      for (const auto& l : *lag)
        out += "eventfabric_consumer_lag" +
               label_text({{"group", g}, {"topic", l.tp.topic}, {"partition", std::to_string(l.tp.partition)}}) +
               " " + std::to_string(l.lag) + "\n";
  out += "# HELP eventfabric_topic_high_watermark Next offset per partition.\n"
         "# TYPE eventfabric_topic_high_watermark gauge\n";
  for (const auto& t : b.topics().list())
    if (auto info = b.topics().describe(t))
      for (const auto& p : info->partitions)
        out += "eventfabric_topic_high_watermark" + label_text({{"topic", t}, {"partition", std::to_string(p.partition)}}) +
               " " + std::to_string(p.high_watermark) + "\n";
  out += "# HELP eventfabric_queue_messages Messages per queue and state (dead = the DLQ depth of that queue).\n"
         "# TYPE eventfabric_queue_messages gauge\n";
  for (const auto& q : b.queues().list_queues())
    if (auto s = b.queues().stats(q)) {
      out += "eventfabric_queue_messages" + label_text({{"queue", q}, {"state", "ready"}}) + " " + std::to_string(s->ready) + "\n";
      out += "eventfabric_queue_messages" + label_text({{"queue", q}, {"state", "unacked"}}) + " " + std::to_string(s->unacked) + "\n";
      out += "eventfabric_queue_messages" + label_text({{"queue", q}, {"state", "dead"}}) + " " + std::to_string(s->dead) + "\n";
    }
}

}  // namespace

std::string metrics::series(std::string_view name, const labels& l) {
  (void)name;
  return label_text(l);
}

void metrics::count(std::string_view name, const labels& l, double by) {
  auto it = counters_.find(name);
  if (it == counters_.end()) it = counters_.emplace(std::string(name), std::map<std::string, double, std::less<>>{}).first;
  it->second[series(name, l)] += by;
}

double metrics::counter_value(std::string_view name, const labels& l) const {
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto s = it->second.find(series(name, l));
  return s == it->second.end() ? 0 : s->second;
}

void metrics::observe(std::string_view name, const labels& l, double seconds) {
  auto it = histograms_.find(name);
  if (it == histograms_.end())
    it = histograms_.emplace(std::string(name), std::map<std::string, histogram, std::less<>>{}).first;
  auto& h = it->second[series(name, l)];
  if (h.buckets.empty()) h.buckets.assign(std::size(kBuckets), 0);
  for (std::size_t i = 0; i < std::size(kBuckets); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

std::string metrics::render(core::broker& b, push::manager* subs) const {
  std::string out;
  for (const auto& [name, series_map] : counters_) {
    out += "# TYPE " + name + " counter\n";
    for (const auto& [lbl, v] : series_map) out += name + lbl + " " + number(v) + "\n";
  }
  for (const auto& [name, series_map] : histograms_) {
    out += "# TYPE " + name + " histogram\n";
    for (const auto& [lbl, h] : series_map) {
      // Re-open the label set to add `le`.
      const std::string inner = lbl.empty() ? "" : lbl.substr(1, lbl.size() - 2) + ",";
      for (std::size_t i = 0; i < std::size(kBuckets); ++i)
        out += name + "_bucket{" + inner + "le=\"" + number(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
      out += name + "_bucket{" + inner + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
      out += name + "_sum" + lbl + " " + number(h.sum) + "\n";
      out += name + "_count" + lbl + " " + std::to_string(h.count) + "\n";
    }
  }
  broker_gauges(b, out);
  if (subs) push_gauges(*subs, out);
  return out;
}

}  // namespace eventfabric::server
