// The delivery state machine without faults: retries, DLQ, quarantine,
// blocking and non-blocking lanes, redrive.
#include <gtest/gtest.h>

#include <map>

#include "emulator/delivery/subscription.h"
#include "tests/delivery/driver.h"

namespace eventfabric::delivery {
namespace {

using testutil::drive;
using testutil::queue_msg;
using testutil::topic_msg;

std::string header(const delivery& d, std::string_view k) {
  for (const auto& h : d.headers)
    if (h.key == k) return h.value;
  return "<absent>";
}

class SubscriptionTest : public ::testing::Test {
 protected:
  core::manual_clock clk{1'000'000};
  core::random rng{7};
  subscription_options opts{.name = "ledger",
                            .consumer = "ledger-svc",
                            .retry = {.initial_delay_ms = 100, .multiplier = 2.0, .max_delay_ms = 10'000,
                                      .max_attempts = 4},
                            .quarantine_after = 3};
  std::unique_ptr<subscription> sub;
  void SetUp() override { make(); }
  void make() {
    ASSERT_TRUE(validate(opts));
    sub = std::make_unique<subscription>(opts, clk, rng);
  }
};

TEST_F(SubscriptionTest, TransientThenSuccess) {
  sub->enqueue(topic_msg(0, 0, "k"));
  EXPECT_EQ(sub->next_due(), clk.now_ms());
  int calls = 0;
  std::vector<int64_t> times;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    times.push_back(clk.now_ms());
    EXPECT_EQ(d.attempt, calls + 1);
    EXPECT_EQ(header(d, "X-Delivery-Attempt"), std::to_string(calls + 1));
    return ++calls < 3 ? outcome::transient(503, "busy") : outcome::processed();
  });
  ASSERT_EQ(log.steps.size(), 3u);
  EXPECT_EQ(log.steps[0].c.result, verdict::retry);
  EXPECT_EQ(log.steps[0].c.retry_at, 1'000'100);
  EXPECT_EQ(log.steps[1].c.retry_at, 1'000'300);
  EXPECT_EQ(log.steps[2].c.result, verdict::processed);
  EXPECT_EQ(times, (std::vector<int64_t>{1'000'000, 1'000'100, 1'000'300}));
  EXPECT_EQ(log.processed.size(), 1u);
  EXPECT_TRUE(sub->idle());
  EXPECT_FALSE(sub->next_due());
  EXPECT_TRUE(sub->list(parking::dlq).empty());
  EXPECT_EQ(sub->stats().retries, 2u);
}

TEST_F(SubscriptionTest, HeadersFollowTheConsumerProtocol) {
  sub->enqueue(topic_msg(2, 17, "k"));
  auto d = sub->next();
  ASSERT_TRUE(d);
  EXPECT_EQ(header(*d, "X-Topic"), "a.b.created.v1");
  EXPECT_EQ(header(*d, "X-Partition"), "2");
  EXPECT_EQ(header(*d, "X-Offset"), "17");
  EXPECT_EQ(header(*d, "Idempotency-Key"), "evt-p2-o17");
  EXPECT_EQ(header(*d, "X-Event-Id"), "evt-p2-o17");
  EXPECT_EQ(header(*d, "X-Event-Type"), "a.b.created.v1");
  EXPECT_EQ(header(*d, "traceparent").substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  EXPECT_EQ(d->msg.body, R"({"id":"evt-p2-o17"})");
}

TEST_F(SubscriptionTest, PermanentFailureGoesToTheDlqAtOnceWithContext) {
  sub->enqueue(topic_msg(1, 5, "k", "billing.payment.captured.v1"));
  sub->enqueue(topic_msg(1, 6, "k"));
  const std::string body =
      R"({"error":{"code":"VALIDATION_FAILED","message":"Missing field x","details":{"field":"x"}}})";
  auto log = drive(*sub, clk, [&](const delivery& d) {
    return d.msg.offset == 5 ? outcome::permanent(422, body) : outcome::processed();
  });
  ASSERT_EQ(log.steps.size(), 2u);
  EXPECT_EQ(log.steps[0].c.result, verdict::dead_lettered);
  ASSERT_TRUE(log.steps[0].c.parked_id);
  ASSERT_EQ(log.processed.size(), 1u);
  EXPECT_EQ(log.processed[0].offset, 6);

  auto dlq = sub->list(parking::dlq);
  ASSERT_EQ(dlq.size(), 1u);
  const parked_message& p = dlq[0];
  EXPECT_EQ(p.id, *log.steps[0].c.parked_id);
  EXPECT_EQ(p.reason, park_reason::permanent_failure);
  EXPECT_EQ(park_reason_name(p.reason), "permanent_failure");
  EXPECT_EQ(p.attempts, 1);
  EXPECT_EQ(p.last_status, 422);
  EXPECT_EQ(p.last_error.code, "VALIDATION_FAILED");
  EXPECT_EQ(p.last_error.message, "Missing field x");
  EXPECT_EQ(p.last_error.details_json, R"({"field":"x"})");
  EXPECT_EQ(p.response_body, body);
  EXPECT_EQ(p.msg.source, "a.b.created.v1");
  EXPECT_EQ(p.msg.partition, 1);
  EXPECT_EQ(p.msg.offset, 5);
  EXPECT_EQ(p.first_failure_ms, 1'000'000);
  EXPECT_EQ(p.last_failure_ms, 1'000'000);
  bool has_offset = false;
  for (const auto& h : p.headers) has_offset |= h.key == "X-Offset" && h.value == "5";
  EXPECT_TRUE(has_offset);
  EXPECT_EQ(sub->find(parking::dlq, p.id)->msg.offset, 5);
  EXPECT_EQ(sub->find(parking::quarantine, p.id), nullptr);
}

TEST_F(SubscriptionTest, MaxAttemptsGoesToTheDlq) {
  sub->enqueue(topic_msg(0, 0, "k"));
  auto log = drive(*sub, clk, [](const delivery&) { return outcome::transient(500, "boom"); });
  ASSERT_EQ(log.steps.size(), 4u);
  EXPECT_EQ(log.steps.back().c.result, verdict::dead_lettered);
  auto dlq = sub->list(parking::dlq);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].reason, park_reason::max_attempts);
  EXPECT_EQ(dlq[0].attempts, 4);
  EXPECT_EQ(dlq[0].last_status, 500);
  EXPECT_EQ(dlq[0].last_error.code, "HTTP_500");
  EXPECT_EQ(dlq[0].response_body, "boom");
  EXPECT_EQ(dlq[0].first_failure_ms, 1'000'000);
  EXPECT_EQ(dlq[0].last_failure_ms, 1'000'000 + 100 + 200 + 400);
  EXPECT_NE(dlq[0].why.find("max_attempts 4"), std::string::npos);
  EXPECT_TRUE(sub->idle());
}

TEST_F(SubscriptionTest, QuarantineAfterKCrashesUnblocksThePartition) {
  opts.retry.max_attempts = 10;
  make();
  sub->enqueue(topic_msg(0, 0, "poison"));
  sub->enqueue(topic_msg(0, 1, "fine"));
  std::vector<int64_t> seen;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    seen.push_back(d.msg.offset);
    if (d.msg.offset == 0) return d.attempt % 2 ? outcome::connection_error("reset") : outcome::timeout();
    return outcome::processed();
  });
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 0, 0, 1}));  // blocked until quarantined
  auto q = sub->list(parking::quarantine);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].reason, park_reason::poison_pill);
  EXPECT_EQ(q[0].crashes, 3);
  EXPECT_EQ(q[0].last_error.code, "CONNECTION_ERROR");
  EXPECT_NE(q[0].why.find("3 times"), std::string::npos);
  EXPECT_TRUE(sub->list(parking::dlq).empty());
  ASSERT_EQ(log.processed.size(), 1u);
  EXPECT_EQ(log.processed[0].offset, 1);
}

TEST_F(SubscriptionTest, TheSameFailureKTimesInARowIsAPoisonPill) {
  opts.retry.max_attempts = 10;
  opts.quarantine_after_same_failures = 3;
  make();
  sub->enqueue(topic_msg(0, 0, "poison"));
  sub->enqueue(topic_msg(0, 1, "fine"));
  std::vector<int64_t> seen;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    seen.push_back(d.msg.offset);
    if (d.msg.offset == 0) return outcome::transient(500, R"({"error":{"code":"NPE","message":"boom"}})");
    return outcome::processed();
  });
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 0, 0, 1}));  // blocked until quarantined
  auto q = sub->list(parking::quarantine);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].reason, park_reason::poison_pill);
  EXPECT_EQ(q[0].attempts, 3);
  EXPECT_EQ(q[0].last_error.code, "NPE");
  EXPECT_NE(q[0].why.find("the same way (NPE, status 500) 3 times"), std::string::npos) << q[0].why;
  EXPECT_TRUE(sub->list(parking::dlq).empty());
  ASSERT_EQ(log.processed.size(), 1u);
}

TEST_F(SubscriptionTest, VaryingFailuresRetryOnToTheDlq) {
  opts.retry.max_attempts = 5;
  opts.quarantine_after_same_failures = 2;
  make();
  sub->enqueue(topic_msg(0, 0, "k"));
  drive(*sub, clk, [&](const delivery& d) { return outcome::transient(d.attempt % 2 ? 500 : 503, "busy"); });
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
  auto dlq = sub->list(parking::dlq);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].reason, park_reason::max_attempts);
  EXPECT_EQ(dlq[0].attempts, 5);
}

TEST_F(SubscriptionTest, SameFailureQuarantineIsOffByDefault) {
  opts.retry.max_attempts = 6;
  make();
  sub->enqueue(topic_msg(0, 0, "k"));
  drive(*sub, clk, [&](const delivery&) { return outcome::transient(500, "same"); });
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
  ASSERT_EQ(sub->list(parking::dlq).size(), 1u);
  opts.quarantine_after_same_failures = -1;
  EXPECT_FALSE(validate(opts));
}

TEST_F(SubscriptionTest, FiveHundredsDoNotCountAsCrashes) {
  opts.retry.max_attempts = 5;
  make();
  sub->enqueue(topic_msg(0, 0, "k"));
  drive(*sub, clk, [](const delivery&) { return outcome::transient(503); });
  EXPECT_EQ(sub->list(parking::dlq).size(), 1u);
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
}

TEST_F(SubscriptionTest, BlockingRetryHoldsItsPartitionOnly) {
  sub->enqueue(topic_msg(0, 0, "a"));
  sub->enqueue(topic_msg(0, 1, "b"));
  sub->enqueue(topic_msg(1, 0, "c"));
  auto d0 = sub->next();
  ASSERT_TRUE(d0);
  EXPECT_EQ(d0->msg.partition, 0);
  auto d1 = sub->next();  // partition 1 runs in parallel
  ASSERT_TRUE(d1);
  EXPECT_EQ(d1->msg.partition, 1);
  EXPECT_FALSE(sub->next());  // partition 0 busy, partition 1 busy
  EXPECT_EQ(sub->in_flight(), 2u);
  ASSERT_EQ(sub->complete(d0->id, outcome::transient(503))->result, verdict::retry);
  ASSERT_EQ(sub->complete(d1->id, outcome::processed())->result, verdict::processed);
  EXPECT_FALSE(sub->next());  // offset 1 waits behind the retrying offset 0
  EXPECT_EQ(sub->next_due(), 1'000'100);
  clk.advance(100);
  auto again = sub->next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->msg.offset, 0);
  EXPECT_EQ(again->attempt, 2);
}

TEST_F(SubscriptionTest, NonBlockingModeLetsLaterMessagesPass) {
  opts.blocking = false;
  make();
  sub->enqueue(topic_msg(0, 0, "a"));
  sub->enqueue(topic_msg(0, 1, "b"));
  std::vector<int64_t> order;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    order.push_back(d.msg.offset);
    return d.msg.offset == 0 && d.attempt == 1 ? outcome::transient(503) : outcome::processed();
  });
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 0}));
  ASSERT_EQ(log.processed.size(), 2u);
  EXPECT_EQ(log.processed[0].offset, 1);
}

TEST_F(SubscriptionTest, QueueRetriesDoNotBlockLaterMessages) {
  sub->enqueue(queue_msg(1));
  sub->enqueue(queue_msg(2));
  std::vector<uint64_t> order;
  drive(*sub, clk, [&](const delivery& d) {
    order.push_back(d.msg.queue_id);
    return d.msg.queue_id == 1 && d.attempt == 1 ? outcome::transient(503) : outcome::processed();
  });
  EXPECT_EQ(order, (std::vector<uint64_t>{1, 2, 1}));
}

TEST_F(SubscriptionTest, RedriveOneAllOrFiltered) {
  const std::string bad_amount = R"({"error":{"code":"BAD_AMOUNT","message":"m","details":{}}})";
  const std::string bad_currency = R"({"error":{"code":"BAD_CURRENCY","message":"m","details":{}}})";
  sub->enqueue(topic_msg(0, 0, "a", "x.y.one.v1"));
  sub->enqueue(topic_msg(0, 1, "b", "x.y.two.v1"));
  sub->enqueue(topic_msg(0, 2, "c", "x.y.one.v1"));
  sub->enqueue(topic_msg(0, 3, "d", "x.y.two.v1"));
  drive(*sub, clk, [&](const delivery& d) {
    return outcome::permanent(400, d.msg.offset % 2 ? bad_currency : bad_amount);
  });
  ASSERT_EQ(sub->list(parking::dlq).size(), 4u);

  const uint64_t first = sub->list(parking::dlq)[0].id;
  auto one = sub->redrive(parking::dlq, {.id = first});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].offset, 0);
  EXPECT_EQ(sub->waiting(), 1u);
  EXPECT_EQ(sub->list(parking::dlq).size(), 3u);

  auto by_type = sub->redrive(parking::dlq, {.type = "x.y.two.v1"});
  ASSERT_EQ(by_type.size(), 2u);
  EXPECT_EQ(by_type[0].offset, 1);
  EXPECT_EQ(by_type[1].offset, 3);

  auto by_code = sub->redrive(parking::dlq, {.error_code = "BAD_CURRENCY"});
  EXPECT_TRUE(by_code.empty());  // already redriven
  by_code = sub->redrive(parking::dlq, {.error_code = "BAD_AMOUNT"});
  ASSERT_EQ(by_code.size(), 1u);
  EXPECT_EQ(by_code[0].offset, 2);
  EXPECT_TRUE(sub->list(parking::dlq).empty());

  // Redriven messages get a fresh attempt count and are delivered again.
  std::vector<int64_t> order;
  auto log = drive(*sub, clk, [&](const delivery& d) {
    EXPECT_EQ(d.attempt, 1);
    order.push_back(d.msg.offset);
    return outcome::processed();
  });
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 3, 2}));
  EXPECT_EQ(sub->stats().redriven, 4u);
}

TEST_F(SubscriptionTest, RedriveAllFromTheQuarantineAndPurge) {
  sub->enqueue(topic_msg(0, 0, "a"));
  sub->enqueue(topic_msg(1, 0, "b"));
  sub->enqueue(topic_msg(2, 0, "c"));
  drive(*sub, clk, [](const delivery&) { return outcome::timeout(); });
  ASSERT_EQ(sub->list(parking::quarantine).size(), 3u);
  EXPECT_EQ(sub->purge(parking::quarantine, {.id = sub->list(parking::quarantine)[2].id}), 1u);
  auto all = sub->redrive(parking::quarantine);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_TRUE(sub->list(parking::quarantine).empty());
  auto log = drive(*sub, clk, testutil::always_ok);
  EXPECT_EQ(log.processed.size(), 2u);
  EXPECT_EQ(sub->purge(parking::dlq), 0u);
}

TEST_F(SubscriptionTest, UnknownOrRepeatedCompletionIsNotFound) {
  sub->enqueue(topic_msg(0, 0, "a"));
  auto d = sub->next();
  ASSERT_TRUE(d);
  EXPECT_TRUE(sub->complete(d->id, outcome::processed()));
  auto again = sub->complete(d->id, outcome::processed());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::errc::not_found);
  EXPECT_FALSE(sub->complete(999, outcome::processed()));
}

TEST_F(SubscriptionTest, RedeliverInFlightPutsAttemptsBack) {
  sub->enqueue(topic_msg(0, 0, "a"));
  sub->enqueue(topic_msg(1, 0, "b"));
  auto a = sub->next();
  auto b = sub->next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(sub->redeliver_in_flight(), 2u);
  EXPECT_FALSE(sub->complete(a->id, outcome::processed()));
  auto a2 = sub->next();
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->attempt, 2);
  EXPECT_EQ(a2->msg.envelope_id, a->msg.envelope_id);
}

TEST_F(SubscriptionTest, JitteredBackoffIsReproducible) {
  opts.retry.jitter = jitter_mode::full;
  auto run = [&](uint64_t seed) {
    core::manual_clock c(0);
    core::random r(seed);
    subscription s(opts, c, r);
    for (int i = 0; i < 5; ++i) s.enqueue(topic_msg(i, 0, "k"));
    std::vector<int64_t> times;
    drive(s, c, [&](const delivery&) {
      times.push_back(c.now_ms());
      return outcome::transient(503);
    });
    return times;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

TEST(SubscriptionOptions, Validation) {
  EXPECT_FALSE(validate(subscription_options{}));  // no name
  EXPECT_FALSE(validate(subscription_options{.name = "s", .quarantine_after = -1}));
  auto r = validate(subscription_options{.name = "s", .retry = {.max_attempts = 0}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail("field"), "max_attempts");
  EXPECT_TRUE(validate(subscription_options{.name = "s"}));
}

}  // namespace
}  // namespace eventfabric::delivery
