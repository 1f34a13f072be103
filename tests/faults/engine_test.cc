// The seeded fault engine: determinism, positions, replay.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "emulator/faults/engine.h"

namespace eventfabric::faults {
namespace {

std::vector<rule> mixed_rules() {
  auto c = config_from_json(R"([
    {"kind": "duplicate", "topic": "*", "probability": 0.1},
    {"kind": "reorder", "topic": "a.b.c.v1", "probability": 0.2, "window": 4},
    {"kind": "fail", "subscription": "s", "probability": 0.15},
    {"kind": "delay", "consumer": "c", "probability": 0.3, "delay_ms": 40},
    {"kind": "lost_ack", "queue": "*", "probability": 0.1},
    {"kind": "crash", "consumer": "c", "positions": [17, 40]},
    {"kind": "produce_error", "topic": "*", "probability": 0.2, "after_append": true},
    {"kind": "commit_error", "subscription": "s", "probability": 0.1}])");
  EXPECT_TRUE(c);
  return c->rules;
}

// A fixed sequence of questions, as a delivery loop would ask them.
schedule run(engine& e, core::manual_clock& clk, int n = 200) {
  for (int i = 0; i < n; ++i) {
    clk.advance(5);
    delivery_point p;
    if (i % 3 == 0)
      p.queue = "q";
    else
      p.topic = i % 2 ? "a.b.c.v1" : "d.e.f.v1";
    p.subscription = "s";
    p.consumer = "c";
    const std::string id = "m" + std::to_string(i), key = "k" + std::to_string(i % 5);  // outlive the question
    p.message_id = id;
    p.key = key;
    p.can_reorder = i % 7 != 0;
    e.decide_delivery(p);
    if (i % 4 == 0) e.decide_produce(target_type::topic, "a.b.c.v1", p.message_id);
    if (i % 2 == 0) e.decide_commit(p);
  }
  return e.realised();
}

TEST(FaultEngine, SameSeedSameSchedule) {
  core::manual_clock c1(1000), c2(1000);
  engine a(42, c1), b(42, c2);
  ASSERT_TRUE(a.set_rules(mixed_rules()));
  ASSERT_TRUE(b.set_rules(mixed_rules()));
  const std::string ja = to_json(run(a, c1)), jb = to_json(run(b, c2));
  EXPECT_EQ(ja, jb);
  EXPECT_GT(a.realised().size(), 20u);
}

TEST(FaultEngine, DifferentSeedsDifferentSchedules) {
  std::set<std::string> seen;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    core::manual_clock clk(1000);
    engine e(seed, clk);
    ASSERT_TRUE(e.set_rules(mixed_rules()));
    seen.insert(to_json(run(e, clk)));
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST(FaultEngine, ReplayInjectsExactlyTheSavedFaults) {
  core::manual_clock c1(1000);
  engine live(9, c1);
  ASSERT_TRUE(live.set_rules(mixed_rules()));
  const std::string saved = to_json(run(live, c1));
  auto s = schedule_from_json(saved);
  ASSERT_TRUE(s);

  core::manual_clock c2(1000);
  engine replayed = engine::replay(*s, c2);
  EXPECT_TRUE(replayed.replaying());
  EXPECT_EQ(to_json(run(replayed, c2)), saved);
}

TEST(FaultEngine, ReplayOfAShrunkScheduleInjectsOnlyWhatIsLeft) {
  core::manual_clock c1(1000);
  engine live(3, c1);
  ASSERT_TRUE(live.set_rules(mixed_rules()));
  schedule s = run(live, c1);
  ASSERT_GT(s.size(), 4u);
  schedule shrunk;
  for (std::size_t i = 0; i < s.size(); i += 3) shrunk.push_back(s[i]);

  core::manual_clock c2(1000);
  engine replayed = engine::replay(shrunk, c2);
  EXPECT_EQ(run(replayed, c2), shrunk);
}

TEST(FaultEngine, PositionsCountPerTargetAndSite) {
  core::manual_clock clk;
  engine e(1, clk);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::topic, .name = "t", .positions = {2, 4}},
                           rule{.kind = fault_kind::commit_error, .on = target_type::topic, .name = "*",
                                .positions = {1}}}));
  std::vector<int> fired;
  for (int i = 1; i <= 6; ++i) {
    delivery_point other{.topic = "u", .message_id = "x"};
    EXPECT_TRUE(e.decide_delivery(other).empty());  // other topic: own counter, no rule
    const std::string id = "m" + std::to_string(i);
    delivery_point p{.topic = "t", .message_id = id};
    if (!e.decide_delivery(p).empty()) fired.push_back(i);
  }
  EXPECT_EQ(fired, (std::vector<int>{2, 4}));
  // The commit site counts separately: its first question fires, per topic.
  EXPECT_EQ(e.decide_commit({.topic = "t"}).size(), 1u);
  EXPECT_EQ(e.decide_commit({.topic = "t"}).size(), 0u);
  EXPECT_EQ(e.decide_commit({.topic = "u"}).size(), 1u);
  const auto& r = e.realised();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].position, 2);
  EXPECT_EQ(r[0].message_id, "m2");
  EXPECT_EQ(r[0].tgt, (target{target_type::topic, "t"}));
  EXPECT_EQ(r[3].tgt, (target{target_type::topic, "u"}));
}

TEST(FaultEngine, AtMostOneFaultPerKindPerQuestion) {
  core::manual_clock clk;
  engine e(1, clk);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::topic, .probability = 1.0},
                           rule{.kind = fault_kind::fail, .on = target_type::consumer, .probability = 1.0},
                           rule{.kind = fault_kind::delay, .on = target_type::consumer, .probability = 1.0,
                                .delay_ms = 5}}));
  auto fs = e.decide_delivery({.topic = "t", .consumer = "c", .message_id = "m"});
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].kind, fault_kind::fail);
  EXPECT_EQ(fs[0].tgt.type, target_type::topic);
  EXPECT_EQ(fs[1].kind, fault_kind::delay);
  EXPECT_EQ(fs[1].params.delay_ms, 5);
  EXPECT_EQ(fs[1].time_ms, clk.now_ms());
}

TEST(FaultEngine, ReorderIsSkippedWhereItCannotApply) {
  core::manual_clock clk;
  engine e(1, clk);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::reorder, .on = target_type::topic, .probability = 1.0,
                                .window = 3}}));
  EXPECT_TRUE(e.decide_delivery({.topic = "t", .can_reorder = false}).empty());
  auto fs = e.decide_delivery({.topic = "t"});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].position, 2);
}

TEST(FaultEngine, SiteSeparatesKinds) {
  core::manual_clock clk;
  engine e(1, clk);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::produce_error, .on = target_type::topic, .probability = 1.0,
                                .after_append = true}}));
  EXPECT_TRUE(e.decide_delivery({.topic = "t"}).empty());
  EXPECT_TRUE(e.decide_commit({.topic = "t"}).empty());
  auto fs = e.decide_produce(target_type::topic, "t", "m");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_TRUE(fs[0].params.after_append);
}

TEST(FaultEngine, InvalidRulesAreRejected) {
  core::manual_clock clk;
  engine e(1, clk);
  auto r = e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::topic, .probability = 2.0}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail("field"), "probability");
  EXPECT_EQ(r.error().detail("rule"), "0");
  EXPECT_TRUE(e.rules().empty());
}

RC_GTEST_PROP(FaultEngineProperty, ReorderLagStaysWithinTheWindow, (uint64_t seed)) {
  const auto window = *rc::gen::inRange(1, 50);
  core::manual_clock clk;
  engine e(seed, clk);
  RC_ASSERT(e.set_rules({rule{.kind = fault_kind::reorder, .on = target_type::topic, .probability = 0.5,
                              .window = window}})
                .has_value());
  for (int i = 0; i < 100; ++i) e.decide_delivery({.topic = "t"});
  for (const auto& f : e.realised()) {
    RC_ASSERT(f.params.lag >= 1);
    RC_ASSERT(f.params.lag <= window);
  }
}

RC_GTEST_PROP(FaultEngineProperty, ProbabilityZeroNeverAndOneAlways, (uint64_t seed)) {
  core::manual_clock clk;
  engine e(seed, clk);
  RC_ASSERT(e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::topic, .probability = 0.0},
                         rule{.kind = fault_kind::delay, .on = target_type::topic, .probability = 1.0}})
                .has_value());
  for (int i = 0; i < 50; ++i) {
    auto fs = e.decide_delivery({.topic = "t"});
    RC_ASSERT(fs.size() == 1u);
    RC_ASSERT(fs[0].kind == fault_kind::delay);
  }
}

}  // namespace
}  // namespace eventfabric::faults

namespace eventfabric::faults {
namespace {

// Asks about each message `attempts` times, as a delivery loop with retries would.
schedule ask_per_message(engine& e, int messages, int attempts, int skip_message = -1) {
  for (int a = 0; a < attempts; ++a) {
    for (int i = 0; i < messages; ++i) {
      if (i == skip_message) continue;
      delivery_point p;
      p.subscription = "s";
      const std::string id = "m" + std::to_string(i);
      p.message_id = id;
      e.decide_delivery(p);
    }
  }
  return e.realised();
}

TEST(FaultEngineTracking, TrackedFaultsCarryTheirOccurrence) {
  core::manual_clock clk;
  engine e(7, clk);
  e.track_messages(true);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::subscription, .probability = 0.5}}));
  const schedule s = ask_per_message(e, 10, 3);
  ASSERT_FALSE(s.empty());
  for (const auto& f : s) {
    EXPECT_GE(f.occurrence, 1);
    EXPECT_LE(f.occurrence, 3);
  }
  // The JSON round trip keeps the occurrence.
  auto back = schedule_from_json(to_json(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
}

TEST(FaultEngineTracking, ReplayByMessageSurvivesRemovedQuestions) {
  core::manual_clock clk;
  engine live(11, clk);
  live.track_messages(true);
  ASSERT_TRUE(live.set_rules({rule{.kind = fault_kind::duplicate, .on = target_type::subscription, .probability = 0.3}}));
  const schedule s = ask_per_message(live, 20, 2);
  ASSERT_GE(s.size(), 3u);

  // Replaying while one message is never asked about shifts every position,
  // yet each other message gets exactly its recorded faults.
  const int skipped = 0;
  engine replayed = engine::replay(s, clk);
  const schedule r = ask_per_message(replayed, 20, 2, skipped);
  schedule expected;
  for (const auto& f : s)
    if (f.message_id != "m0") expected.push_back(f);
  ASSERT_EQ(r.size(), expected.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].message_id, expected[i].message_id);
    EXPECT_EQ(r[i].occurrence, expected[i].occurrence);
    EXPECT_EQ(r[i].kind, expected[i].kind);
  }
}

TEST(FaultEngineTracking, FailureCapBoundsFailingFaultsPerMessage) {
  core::manual_clock clk;
  engine e(3, clk);
  e.set_failure_cap(2);
  ASSERT_TRUE(e.set_rules({rule{.kind = fault_kind::fail, .on = target_type::subscription, .probability = 0.9},
                           rule{.kind = fault_kind::lost_ack, .on = target_type::subscription, .probability = 0.9},
                           rule{.kind = fault_kind::duplicate, .on = target_type::subscription, .probability = 0.9}}));
  const schedule s = ask_per_message(e, 5, 10);
  std::map<std::string, int> failing, duplicates;
  for (const auto& f : s) {
    if (f.kind == fault_kind::duplicate) ++duplicates[f.message_id];
    else ++failing[f.message_id];
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(failing["m" + std::to_string(i)], 2) << i;  // p = 0.9 over 10 questions: capped at 2
    EXPECT_GT(duplicates["m" + std::to_string(i)], 2) << i;  // other kinds are not capped
  }
}

}  // namespace
}  // namespace eventfabric::faults
