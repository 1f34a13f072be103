// What the state machine tells a parking_listener (the push side persists the
// DLQ and quarantine from it), take() for a redrive to the source, and
// restore_parked() after a restart.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emulator/delivery/subscription.h"
#include "tests/delivery/driver.h"

namespace eventfabric::delivery {
namespace {

using testutil::drive;
using testutil::topic_msg;

// Records every call, as "+d1" (parked in the DLQ, id 1) or "-q2" (released).
struct recorder final : parking_listener {
  std::vector<std::string> calls;
  std::vector<parked_message> entries;
  static char where_char(parking w) { return w == parking::dlq ? 'd' : 'q'; }
  void parked(parking w, const parked_message& p) override {
    calls.push_back(std::string("+") + where_char(w) + std::to_string(p.id));
    entries.push_back(p);
  }
  void released(parking w, uint64_t id) override {
    calls.push_back(std::string("-") + where_char(w) + std::to_string(id));
  }
};

class ParkingListenerTest : public ::testing::Test {
 protected:
  core::manual_clock clk{5'000};
  core::random rng{11};
  subscription_options opts{.name = "ledger",
                            .retry = {.initial_delay_ms = 10, .max_delay_ms = 100, .max_attempts = 3},
                            .quarantine_after = 2};
  recorder rec;
  subscription sub{opts, clk, rng};
  void SetUp() override { sub.set_parking_listener(&rec); }
};

TEST_F(ParkingListenerTest, ParkingIsToldWithTheWholeEntryBeforeCompleteReturns) {
  sub.enqueue(topic_msg(0, 7, "k"));
  auto d = sub.next();
  ASSERT_TRUE(d);
  auto c = sub.complete(d->id, outcome::permanent(422, R"({"error":{"code":"BAD","message":"no","details":{}}})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->result, verdict::dead_lettered);
  ASSERT_EQ(rec.calls, (std::vector<std::string>{"+d" + std::to_string(*c->parked_id)}));
  const parked_message& p = rec.entries[0];
  EXPECT_EQ(p.msg.offset, 7);
  EXPECT_EQ(p.last_error.code, "BAD");
  EXPECT_EQ(p.last_status, 422);
  EXPECT_EQ(p.attempts, 1);
  EXPECT_EQ(p.first_failure_ms, 5'000);
  EXPECT_FALSE(p.headers.empty());
  EXPECT_EQ(*sub.find(parking::dlq, p.id), p) << "the listener sees what the DLQ holds";
}

TEST_F(ParkingListenerTest, PurgeAndTakeRelease) {
  sub.enqueue(topic_msg(0, 0, "a"));
  sub.enqueue(topic_msg(1, 0, "b"));
  sub.enqueue(topic_msg(2, 0, "c"));
  drive(sub, clk, [](const delivery&) { return outcome::timeout(); });
  ASSERT_EQ(sub.list(parking::quarantine).size(), 3u);
  rec.calls.clear();
  EXPECT_EQ(sub.purge(parking::quarantine, {.id = 1}), 1u);
  auto taken = sub.take(parking::quarantine, 2);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->msg.partition, 1);
  EXPECT_FALSE(sub.take(parking::quarantine, 2)) << "taken once";
  EXPECT_FALSE(sub.take(parking::dlq, 3)) << "3 is in the quarantine";
  EXPECT_EQ(rec.calls, (std::vector<std::string>{"-q1", "-q2"}));
  EXPECT_EQ(sub.stats().redriven, 1u);
  EXPECT_EQ(sub.waiting(), 0u) << "take() enqueues nothing";
  EXPECT_EQ(sub.list(parking::quarantine).size(), 1u);
}

TEST_F(ParkingListenerTest, ARedriveToTheLanesIsReleasedOnlyWhenItsDeliveryIsFinished) {
  sub.enqueue(topic_msg(0, 0, "a"));
  sub.enqueue(topic_msg(0, 1, "b"));
  drive(sub, clk, [](const delivery&) { return outcome::permanent(400); });
  ASSERT_EQ(rec.calls, (std::vector<std::string>{"+d1", "+d2"}));
  rec.calls.clear();
  ASSERT_EQ(sub.redrive(parking::dlq).size(), 2u);
  EXPECT_TRUE(rec.calls.empty()) << "still owed to the consumer: a restart now must find them";
  // The first is processed, the second fails again and is parked anew.
  drive(sub, clk, [](const delivery& d) {
    return d.msg.offset == 0 ? outcome::processed() : outcome::permanent(409);
  });
  EXPECT_EQ(rec.calls, (std::vector<std::string>{"-d1", "+d3", "-d2"})) << "the new entry before the old one goes";
  ASSERT_EQ(sub.list(parking::dlq).size(), 1u);
  EXPECT_EQ(sub.list(parking::dlq)[0].last_status, 409);
}

TEST_F(ParkingListenerTest, RestoredEntriesKeepTheirIdsAndLaterOnesFollow) {
  subscription fresh(opts, clk, rng);
  fresh.set_parking_listener(&rec);
  parked_message p;
  p.id = 41;
  p.msg = topic_msg(0, 3, "k");
  p.reason = park_reason::max_attempts;
  p.last_error = {"HTTP_503", "busy", "{}"};
  ASSERT_TRUE(fresh.restore_parked(parking::dlq, p));
  p.id = 42;
  ASSERT_TRUE(fresh.restore_parked(parking::quarantine, p));
  auto dup = fresh.restore_parked(parking::dlq, p);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, core::errc::already_exists);
  EXPECT_TRUE(rec.calls.empty()) << "restoring is not parking";
  EXPECT_EQ(fresh.stats().dead_lettered, 0u);
  EXPECT_EQ(fresh.find(parking::dlq, 41)->last_error.code, "HTTP_503");

  fresh.enqueue(topic_msg(0, 4, "k"));
  drive(fresh, clk, [](const delivery&) { return outcome::permanent(400); });
  ASSERT_EQ(rec.calls, (std::vector<std::string>{"+d43"}));
  // A restored entry redriven to the lanes is released once delivered.
  rec.calls.clear();
  ASSERT_EQ(fresh.redrive(parking::quarantine).size(), 1u);
  drive(fresh, clk, testutil::always_ok);
  EXPECT_EQ(rec.calls, (std::vector<std::string>{"-q42"}));
}

}  // namespace
}  // namespace eventfabric::delivery
