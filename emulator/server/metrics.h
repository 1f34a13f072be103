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
namespace eventfabric::delivery {
enum class verdict : uint8_t;
struct outcome;
}
namespace eventfabric::push {
class manager;
}

namespace eventfabric::server {

using labels = std::vector<std::pair<std::string, std::string>>;

class metrics {
 public:
  void count(std::string_view name, const labels& l, double by = 1);
  // Delivery latency etc., in seconds; fixed buckets from 0.5 ms to 10 s.
  void observe(std::string_view name, const labels& l, double seconds);
  double counter_value(std::string_view name, const labels& l) const;
  // Everything in the text format, plus broker gauges and, when `subs` is
  // given, the push subscriptions' DLQ / quarantine / waiting gauges.
  std::string render(core::broker& b, push::manager* subs = nullptr) const;

 private:
  struct histogram {
    std::vector<uint64_t> buckets;
    uint64_t count = 0;
    double sum = 0;
  };
  static std::string series(std::string_view name, const labels& l);
  // name -> label set -> value; transparent comparators so a hot path looks
  // names up without building a string.
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> counters_;
  std::map<std::string, std::map<std::string, histogram, std::less<>>, std::less<>> histograms_;
};

// One completed push attempt of subscription `name` (push_metrics.cc):
// eventfabric_event_processed_total{consumer} on processed,
// eventfabric_event_failed_total{consumer} on every failed attempt (retried,
// dead-lettered or quarantined), and eventfabric_push_attempt_seconds{consumer}.
void count_push(metrics& m, const std::string& name, delivery::verdict v, const delivery::outcome& o, double seconds);
// The push gauges, appended to `out` (push_metrics.cc).
void push_gauges(push::manager& subs, std::string& out);

}  // namespace eventfabric::server
