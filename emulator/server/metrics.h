#pragma once
// Prometheus-style counters and histograms, rendered in the text exposition
// format. Gauges that mirror broker state (lag, queue depth, DLQ depth) are
// computed from the broker at scrape time, never stored twice.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventfabric::core {
class broker;
}

namespace eventfabric::server {

using labels = std::vector<std::pair<std::string, std::string>>;

class metrics {
 public:
  void count(std::string_view name, const labels& l, double by = 1);
  // Delivery latency etc., in seconds; fixed buckets from 0.5 ms to 10 s.
  void observe(std::string_view name, const labels& l, double seconds);
  double counter_value(std::string_view name, const labels& l) const;
  // Everything in the text format, plus broker gauges.
  std::string render(core::broker& b) const;

 private:
  struct histogram {
    std::vector<uint64_t> buckets;
    uint64_t count = 0;
    double sum = 0;
  };
  static std::string series(std::string_view name, const labels& l);
  std::map<std::string, std::map<std::string, double>> counters_;       // name -> label set -> value
  std::map<std::string, std::map<std::string, histogram>> histograms_;  // name -> label set -> histogram
};

}  // namespace eventfabric::server
