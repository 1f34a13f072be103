// Faults plugged into the delivery state machine, and reproducibility of a
// whole run from a seed or a saved schedule.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "emulator/delivery/subscription.h"
#include "tests/delivery/driver.h"

namespace eventfabric::delivery {
namespace {

using faults::fault_kind;
using testutil::drive;
using testutil::queue_msg;
using testutil::topic_msg;

std::vector<faults::rule> rules_of(std::string_view json) {
  auto c = faults::config_from_json(json);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return c ? c->rules : std::vector<faults::rule>{};
}

class FaultsTest : public ::testing::Test {
 protected:
  core::manual_clock clk{1'000'000};
  core::random rng{7};
  faults::engine fe{42, clk};
  subscription_options opts{.name = "ledger",
                            .consumer = "ledger-svc",
                            .retry = {.initial_delay_ms = 100, .multiplier = 2.0, .max_delay_ms = 10'000,
                                      .max_attempts = 4}};
  std::unique_ptr<subscription> sub;

  void with(std::string_view rules_json) {
    ASSERT_TRUE(fe.set_rules(rules_of(rules_json)));
    sub = std::make_unique<subscription>(opts, clk, rng, &fe);
  }
};

TEST_F(FaultsTest, FailNeverReachesTheConsumer) {
  with(R"([{"kind": "fail", "subscription": "ledger", "positions": [1]}])");
  sub->enqueue(topic_msg(0, 0, "k"));
  std::vector<int32_t> attempts;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    attempts.push_back(d.attempt);
    return outcome::processed();
  });
  EXPECT_EQ(attempts, (std::vector<int32_t>{2}));  // attempt 1 failed before the consumer
  EXPECT_EQ(log.processed.size(), 1u);
  ASSERT_EQ(fe.realised().size(), 1u);
  EXPECT_EQ(fe.realised()[0].kind, fault_kind::fail);
  EXPECT_EQ(fe.realised()[0].message_id, "evt-p0-o0");
}

TEST_F(FaultsTest, InjectedFailuresCanExhaustTheRetries) {
  with(R"([{"kind": "fail", "topic": "*", "probability": 1}])");
  sub->enqueue(topic_msg(0, 0, "k"));
  int calls = 0;
  drive(*sub, clk, [&](const delivery&) {
    ++calls;
    return outcome::processed();
  });
  EXPECT_EQ(calls, 0);
  auto dlq = sub->list(parking::dlq);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].last_error.code, "FAULT_INJECTED");
  EXPECT_EQ(dlq[0].crashes, 0);  // injected faults never count towards quarantine
}

TEST_F(FaultsTest, InjectedFailuresNeedNotSpendTheRetryBudget) {
  // The harness's setting: faults alone never send a message to the DLQ.
  opts.count_injected_failures = false;
  fe.set_failure_cap(10);
  with(R"([{"kind": "fail", "topic": "*", "probability": 0.9}, {"kind": "lost_ack", "topic": "*", "probability": 0.9}])");
  sub->enqueue(topic_msg(0, 0, "k"));
  sub->enqueue(topic_msg(0, 1, "k"));
  auto log = drive(*sub, clk, testutil::always_ok);
  EXPECT_EQ(log.processed.size(), 2u);
  EXPECT_TRUE(sub->list(parking::dlq).empty());
  EXPECT_GT(fe.realised().size(), 4u);  // more failures than max_attempts (4) in all
}

TEST_F(FaultsTest, HeadsDueTogetherGoInEnqueueOrderAcrossLanes) {
  with("[]");
  sub->enqueue(topic_msg(1, 0, "a"));
  sub->enqueue(topic_msg(0, 0, "b"));
  sub->enqueue(topic_msg(1, 1, "a"));
  sub->enqueue(topic_msg(0, 1, "b"));
  auto log = drive(*sub, clk, testutil::always_ok);
  ASSERT_EQ(log.processed.size(), 4u);
  EXPECT_EQ(log.processed[0].envelope_id, "evt-p1-o0");
  EXPECT_EQ(log.processed[1].envelope_id, "evt-p0-o0");
  EXPECT_EQ(log.processed[2].envelope_id, "evt-p1-o1");
  EXPECT_EQ(log.processed[3].envelope_id, "evt-p0-o1");
}

TEST_F(FaultsTest, DuplicateDeliversTheSameEnvelopeIdTwice) {
  with(R"([{"kind": "duplicate", "topic": "a.b.created.v1", "positions": [1]}])");
  sub->enqueue(topic_msg(0, 0, "k"));
  sub->enqueue(topic_msg(0, 1, "k"));
  std::vector<std::string> ids;
  std::vector<bool> dup;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    ids.push_back(d.msg.envelope_id);
    dup.push_back(d.duplicate);
    return outcome::processed();
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"evt-p0-o0", "evt-p0-o0", "evt-p0-o1"}));
  EXPECT_EQ(dup, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(log.processed.size(), 3u);
}

TEST_F(FaultsTest, LostAckRedeliversAProcessedMessage) {
  with(R"([{"kind": "lost_ack", "consumer": "ledger-svc", "positions": [1]},
           {"kind": "timeout", "consumer": "ledger-svc", "positions": [2]}])");
  sub->enqueue(topic_msg(0, 0, "k"));
  std::vector<int32_t> attempts;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    attempts.push_back(d.attempt);
    return outcome::processed();
  });
  EXPECT_EQ(attempts, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(log.steps[0].c.result, verdict::retry);
  EXPECT_EQ(log.steps[1].c.result, verdict::retry);
  EXPECT_EQ(log.steps[2].c.result, verdict::processed);
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
}

TEST_F(FaultsTest, DelayPostponesTheAttempt) {
  with(R"([{"kind": "delay", "queue": "*", "positions": [1], "delay_ms": 500}])");
  sub->enqueue(queue_msg(1));
  EXPECT_FALSE(sub->next());
  EXPECT_EQ(sub->next_due(), 1'000'500);
  clk.advance(500);
  auto d = sub->next();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->attempt, 1);
  ASSERT_EQ(d->faults.size(), 1u);
  EXPECT_EQ(d->faults[0].kind, fault_kind::delay);
}

TEST_F(FaultsTest, CrashRedeliversEverythingInFlight) {
  with(R"([{"kind": "crash", "consumer": "ledger-svc", "positions": [1]}])");
  sub->enqueue(topic_msg(0, 0, "a"));
  sub->enqueue(topic_msg(1, 0, "b"));
  auto a = sub->next();
  auto b = sub->next();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->restart_consumer);
  EXPECT_FALSE(b->restart_consumer);
  auto c = sub->complete(a->id, outcome::processed());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->result, verdict::redeliver);
  EXPECT_TRUE(c->restart_consumer);
  EXPECT_EQ(c->aborted, 1u);
  EXPECT_FALSE(sub->complete(b->id, outcome::processed()));  // lost with the crash
  EXPECT_EQ(sub->in_flight(), 0u);
  auto log = drive(*sub, clk, testutil::always_ok);
  ASSERT_EQ(log.processed.size(), 2u);
  for (const auto& s : log.steps) EXPECT_EQ(s.d.attempt, 2);
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
}

TEST_F(FaultsTest, RebalanceRedeliversWithoutARestart) {
  with(R"([{"kind": "rebalance", "topic": "*", "positions": [1]}])");
  sub->enqueue(topic_msg(0, 0, "a"));
  auto log = drive(*sub, clk, testutil::always_ok);
  ASSERT_EQ(log.steps.size(), 2u);
  EXPECT_EQ(log.steps[0].c.result, verdict::redeliver);
  EXPECT_FALSE(log.steps[0].c.restart_consumer);
  EXPECT_EQ(log.restarts, 0);
  EXPECT_EQ(log.processed.size(), 1u);
}

TEST_F(FaultsTest, CommitErrorDeliversAgain) {
  with(R"([{"kind": "commit_error", "subscription": "ledger", "positions": [1]}])");
  sub->enqueue(topic_msg(0, 0, "a"));
  auto log = drive(*sub, clk, testutil::always_ok);
  ASSERT_EQ(log.steps.size(), 2u);
  EXPECT_EQ(log.steps[0].c.result, verdict::redeliver);
  EXPECT_EQ(log.steps[1].c.result, verdict::processed);
  EXPECT_EQ(log.steps[1].d.msg.envelope_id, log.steps[0].d.msg.envelope_id);
  ASSERT_EQ(fe.realised().size(), 1u);
  EXPECT_EQ(fe.realised()[0].kind, fault_kind::commit_error);
}

TEST_F(FaultsTest, ReorderLetsDifferentKeysPass) {
  with(R"([{"kind": "reorder", "topic": "*", "positions": [1], "window": 1}])");
  for (int i = 0; i < 3; ++i) sub->enqueue(topic_msg(0, i, "k" + std::to_string(i)));
  auto log = drive(*sub, clk, testutil::always_ok);
  std::vector<int64_t> order;
  for (const auto& m : log.processed) order.push_back(m.offset);
  EXPECT_EQ(order, (std::vector<int64_t>{1, 0, 2}));
}

TEST_F(FaultsTest, ReorderNeverPassesTheSameKeyUnlessAllowed) {
  with(R"([{"kind": "reorder", "topic": "*", "positions": [1], "window": 3}])");
  for (int i = 0; i < 3; ++i) sub->enqueue(topic_msg(0, i, "same"));
  auto log = drive(*sub, clk, testutil::always_ok);
  std::vector<int64_t> order;
  for (const auto& m : log.processed) order.push_back(m.offset);
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2}));

  clk.set(2'000'000);
  faults::engine allowed(1, clk);
  ASSERT_TRUE(allowed.set_rules(rules_of(
      R"([{"kind": "reorder", "topic": "*", "positions": [1], "window": 1, "allow_same_key": true}])")));
  subscription s(opts, clk, rng, &allowed);
  for (int i = 0; i < 3; ++i) s.enqueue(topic_msg(0, i, "same"));
  auto log2 = drive(s, clk, testutil::always_ok);
  order.clear();
  for (const auto& m : log2.processed) order.push_back(m.offset);
  EXPECT_EQ(order, (std::vector<int64_t>{1, 0, 2}));
}

// A whole run: the seed decides everything; a saved schedule replays it.
struct run_result {
  std::string schedule_json;
  std::vector<std::string> trace;  // "envelope@attempt:verdict" per step
};

run_result full_run(faults::engine& fe, core::manual_clock& clk) {
  core::random rng(3);
  subscription_options opts{.name = "ledger", .consumer = "svc",
                            .retry = {.initial_delay_ms = 10, .max_delay_ms = 1000, .max_attempts = 6,
                                      .jitter = jitter_mode::full}};
  subscription s(opts, clk, rng, &fe);
  for (int p = 0; p < 3; ++p)
    for (int o = 0; o < 20; ++o) s.enqueue(topic_msg(p, o, "k" + std::to_string(o % 4)));
  for (uint64_t q = 1; q <= 10; ++q) s.enqueue(queue_msg(q));
  int n = 0;
  auto log = drive(s, clk, [&](const delivery&) {
    ++n;
    return n % 7 == 0 ? outcome::transient(503) : outcome::processed();
  });
  run_result r;
  r.schedule_json = faults::to_json(fe.realised());
  for (const auto& st : log.steps)
    r.trace.push_back(st.d.msg.envelope_id + "@" + std::to_string(st.d.attempt) + ":" +
                      std::to_string(static_cast<int>(st.c.result)));
  return r;
}

constexpr std::string_view kMixed = R"([
  {"kind": "duplicate", "topic": "*", "probability": 0.05},
  {"kind": "reorder", "topic": "*", "probability": 0.1, "window": 3},
  {"kind": "fail", "subscription": "ledger", "probability": 0.1},
  {"kind": "lost_ack", "queue": "*", "probability": 0.1},
  {"kind": "delay", "consumer": "svc", "probability": 0.1, "delay_ms": 25},
  {"kind": "crash", "consumer": "svc", "positions": [30]},
  {"kind": "commit_error", "topic": "*", "probability": 0.05}])";

TEST(FaultsRun, OneSeedOneScheduleAndOneRun) {
  core::manual_clock c1(0), c2(0);
  faults::engine a(11, c1), b(11, c2);
  ASSERT_TRUE(a.set_rules(rules_of(kMixed)));
  ASSERT_TRUE(b.set_rules(rules_of(kMixed)));
  const run_result ra = full_run(a, c1), rb = full_run(b, c2);
  EXPECT_EQ(ra.schedule_json, rb.schedule_json);
  EXPECT_EQ(ra.trace, rb.trace);
  EXPECT_GT(a.realised().size(), 10u);
}

TEST(FaultsRun, DifferentSeedsDifferentSchedules) {
  std::set<std::string> seen;
  for (uint64_t seed : {1, 2, 3, 4}) {
    core::manual_clock c(0);
    faults::engine e(seed, c);
    ASSERT_TRUE(e.set_rules(rules_of(kMixed)));
    seen.insert(full_run(e, c).schedule_json);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(FaultsRun, ReplayingTheSavedScheduleReproducesTheRun) {
  core::manual_clock c1(0);
  faults::engine live(5, c1);
  ASSERT_TRUE(live.set_rules(rules_of(kMixed)));
  const run_result original = full_run(live, c1);
  auto saved = faults::schedule_from_json(original.schedule_json);
  ASSERT_TRUE(saved);

  core::manual_clock c2(0);
  faults::engine replayed = faults::engine::replay(*saved, c2);
  const run_result again = full_run(replayed, c2);
  EXPECT_EQ(again.schedule_json, original.schedule_json);
  EXPECT_EQ(again.trace, original.trace);
}

}  // namespace
}  // namespace eventfabric::delivery
