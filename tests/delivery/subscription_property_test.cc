// Properties of the delivery state machine under random consumer outcomes
// and random reorder faults.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "emulator/delivery/subscription.h"
#include "tests/delivery/driver.h"

namespace eventfabric::delivery {
namespace {

using testutil::drive;
using testutil::topic_msg;

outcome outcome_of(int code) {
  switch (code) {
    case 0: return outcome::processed();
    case 1: return outcome::permanent(422, "{}");
    case 2: return outcome::transient(503);
    case 3: return outcome::timeout();
    default: return outcome::connection_error("reset");
  }
}

RC_GTEST_PROP(SubscriptionProperty, BlockingModeProcessesEachKeyInOffsetOrder, ()) {
  const auto partitions = *rc::gen::inRange(1, 4);
  const auto per_partition = *rc::gen::inRange(1, 25);
  const auto keys = *rc::gen::inRange(1, 5);
  // Weighted towards success so that runs finish with mixed results.
  const auto outcomes = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(
      rc::gen::weightedOneOf<int>({{6, rc::gen::just(0)}, {1, rc::gen::just(1)}, {2, rc::gen::just(2)},
                                   {1, rc::gen::just(3)}, {1, rc::gen::just(4)}})));
  const auto jitter = *rc::gen::element(jitter_mode::none, jitter_mode::full, jitter_mode::proportional);
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();

  core::manual_clock clk(0);
  core::random rng(seed);
  subscription_options opts{.name = "s",
                            .retry = {.initial_delay_ms = 5, .max_delay_ms = 100, .max_attempts = 4,
                                      .jitter = jitter},
                            .quarantine_after = 2};
  subscription sub(opts, clk, rng);
  std::size_t total = 0;
  for (int p = 0; p < partitions; ++p)
    for (int o = 0; o < per_partition; ++o, ++total) sub.enqueue(topic_msg(p, o, "k" + std::to_string(o % keys)));

  std::size_t i = 0;
  auto log = drive(sub, clk, [&](const delivery&) { return outcome_of(outcomes[i++ % outcomes.size()]); });
  RC_ASSERT(sub.idle());

  // Per (partition, key): processed offsets strictly increase.
  std::map<std::pair<int32_t, std::string>, int64_t> last;
  for (const auto& m : log.processed) {
    auto k = std::make_pair(m.partition, *m.key);
    auto it = last.find(k);
    if (it != last.end()) RC_ASSERT(m.offset > it->second);
    last[k] = m.offset;
  }
  // Without faults every message ends exactly once: processed, DLQ or quarantine.
  std::set<std::string> ends;
  for (const auto& m : log.processed) RC_ASSERT(ends.insert(m.envelope_id).second);
  for (const auto& p : sub.list(parking::dlq)) RC_ASSERT(ends.insert(p.msg.envelope_id).second);
  for (const auto& p : sub.list(parking::quarantine)) RC_ASSERT(ends.insert(p.msg.envelope_id).second);
  RC_ASSERT(ends.size() == total);
}

RC_GTEST_PROP(SubscriptionProperty, ReorderStaysWithinItsWindowAndKeepsKeys, ()) {
  const auto n = *rc::gen::inRange(1, 40);
  const auto keys = *rc::gen::inRange(1, 6);
  const auto window = *rc::gen::inRange(1, 6);
  const auto allow_same_key = *rc::gen::arbitrary<bool>();
  const auto probability = *rc::gen::inRange(0, 101) / 100.0;
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();

  core::manual_clock clk(0);
  core::random rng(seed);
  faults::engine fe(seed, clk);
  RC_ASSERT(fe.set_rules({faults::rule{.kind = faults::fault_kind::reorder, .on = faults::target_type::topic,
                                       .probability = probability, .window = window,
                                       .allow_same_key = allow_same_key}})
                .has_value());
  subscription sub({.name = "s"}, clk, rng, &fe);
  for (int o = 0; o < n; ++o) sub.enqueue(topic_msg(0, o, "k" + std::to_string(o % keys)));
  auto log = drive(sub, clk, testutil::always_ok);
  RC_ASSERT(log.processed.size() == static_cast<std::size_t>(n));

  std::map<std::string, int64_t> last;
  for (std::size_t pos = 0; pos < log.processed.size(); ++pos) {
    const auto& m = log.processed[pos];
    // Never later than `window` positions (and each message exactly once).
    RC_ASSERT(static_cast<int64_t>(pos) - m.offset <= window);
    if (!allow_same_key) {
      auto it = last.find(*m.key);
      if (it != last.end()) RC_ASSERT(m.offset > it->second);
    }
    last[*m.key] = m.offset;
  }
  std::set<int64_t> offsets;
  for (const auto& m : log.processed) offsets.insert(m.offset);
  RC_ASSERT(offsets.size() == static_cast<std::size_t>(n));
}

}  // namespace
}  // namespace eventfabric::delivery
