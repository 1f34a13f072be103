#pragma once
// Test helpers: messages, and a loop that runs a subscription to quiescence
// on the manual clock (jumping the clock to next_due(), never sleeping),
// answering each attempt with a caller-supplied consumer.

#include <functional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/delivery/subscription.h"

namespace eventfabric::delivery::testutil {

inline message topic_msg(int32_t partition, int64_t offset, std::string key, std::string type = "a.b.created.v1") {
  message m;
  m.kind = source_kind::topic;
  m.source = "a.b.created.v1";
  m.partition = partition;
  m.offset = offset;
  m.key = std::move(key);
  m.envelope_id = "evt-p" + std::to_string(partition) + "-o" + std::to_string(offset);
  m.type = std::move(type);
  m.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  m.body = R"({"id":")" + m.envelope_id + R"("})";
  return m;
}

inline message queue_msg(uint64_t id, std::string type = "notify.email.sent.v1") {
  message m;
  m.kind = source_kind::queue;
  m.source = "notify.email.high";
  m.queue_id = id;
  m.envelope_id = "evt-q" + std::to_string(id);
  m.type = std::move(type);
  m.body = "{}";
  return m;
}

struct step {
  delivery d;
  outcome o;
  completion c;
};

struct run_log {
  std::vector<step> steps;
  std::vector<message> processed;  // in the order they were processed
  int restarts = 0;
};

// Runs until nothing is due any more (or max_steps attempts).
inline run_log drive(subscription& s, core::manual_clock& clk, const std::function<outcome(const delivery&)>& consumer,
                     int max_steps = 100'000) {
  run_log log;
  for (int i = 0; i < max_steps; ++i) {
    auto d = s.next();
    if (!d) {
      auto due = s.next_due();
      if (!due || *due <= clk.now_ms()) break;
      clk.set(*due);
      continue;
    }
    outcome o = consumer(*d);
    auto c = s.complete(d->id, o);
    if (!c) break;
    if (c->result == verdict::processed) log.processed.push_back(d->msg);
    if (c->restart_consumer) ++log.restarts;
    log.steps.push_back({std::move(*d), std::move(o), *c});
  }
  return log;
}

inline outcome always_ok(const delivery&) { return outcome::processed(); }

}  // namespace eventfabric::delivery::testutil
