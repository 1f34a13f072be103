// Metrics of push subscriptions: counters per completed attempt, gauges read
// from the subscriptions at scrape time.
#include "emulator/delivery/subscription.h"
#include "emulator/push/manager.h"
#include "emulator/server/metrics.h"

namespace eventfabric::server {

void count_push(metrics& m, const std::string& name, delivery::verdict v, const delivery::outcome& o, double seconds) {
  const labels consumer = {{"consumer", name}};
  m.observe("eventfabric_push_attempt_seconds", consumer, seconds);
  switch (v) {
    case delivery::verdict::processed:
      m.count("eventfabric_event_processed_total", consumer);
      break;
    case delivery::verdict::retry:
    case delivery::verdict::dead_lettered:
    case delivery::verdict::quarantined:
      m.count("eventfabric_event_failed_total", consumer);
      break;
    case delivery::verdict::redeliver:
      break;
  }
  (void)o;
}

void push_gauges(push::manager& subs, std::string& out) {
  const auto names = subs.names();
  if (names.empty()) return;
  std::string dlq, quarantine, waiting;
  for (const auto& n : names) {
    const push::live* l = subs.find(n);
    if (!l) continue;
    const std::string lbl = "{consumer=\"" + n + "\"} ";
    dlq += "eventfabric_subscription_dlq_depth" + lbl + std::to_string(l->sub.list(delivery::parking::dlq).size()) + "\n";
    quarantine += "eventfabric_subscription_quarantine_depth" + lbl +
                  std::to_string(l->sub.list(delivery::parking::quarantine).size()) + "\n";
    waiting += "eventfabric_subscription_waiting" + lbl + std::to_string(l->sub.waiting() + l->sub.in_flight()) + "\n";
  }
  out += "# HELP eventfabric_subscription_dlq_depth Messages in a push subscription's DLQ.\n"
         "# TYPE eventfabric_subscription_dlq_depth gauge\n" + dlq;
  out += "# HELP eventfabric_subscription_quarantine_depth Messages in a push subscription's quarantine.\n"
         "# TYPE eventfabric_subscription_quarantine_depth gauge\n" + quarantine;
  out += "# HELP eventfabric_subscription_waiting Messages a push subscription holds (waiting, retrying, in flight).\n"
         "# TYPE eventfabric_subscription_waiting gauge\n" + waiting;
}

}  // namespace eventfabric::server
