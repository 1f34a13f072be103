// TTL, max-length overflow, delivery limits, leases and dead-lettering of
// core::queues.
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "tests/core/queues_test_util.h"

namespace eventfabric::core {
namespace {

using testutil::ids_of;
using testutil::qcfg;
using testutil::QueuesTest;

constexpr const char* src = "orders.ship.high";
constexpr const char* dlq = "orders.ship.high.dlq";

class QueueDeadLetterTest : public QueuesTest {
 protected:
  // src dead-letters through direct exchange "dlx" (key = its routing key) into dlq.
  void with_dlx(queue_config c) {
    c.dead_letter_exchange = "dlx";
    ASSERT_TRUE(qs.declare_exchange({"dlx", exchange_type::direct}));
    declare(c);
    declare(dlq);
    ASSERT_TRUE(qs.bind({"dlx", dlq, src}));
  }
};

// --- TTL ------------------------------------------------------------------------

TEST_F(QueuesTest, QueueTtlExpiresOnTickNotBefore) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 100;
  declare(c);
  const uint64_t a = pub("a.b.high");
  clk.advance(99);
  qs.tick();
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a}));
  clk.advance(1);
  qs.tick();
  EXPECT_TRUE(ready("a.b.high").empty());
  auto dl = dead("a.b.high");
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].deaths.at(0).reason, "expired");
  EXPECT_EQ(st("a.b.high").expired, 1u);
}

TEST_F(QueuesTest, EffectiveTtlIsTheMinimum) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 100;
  declare(c);
  declare("c.d.low");
  const uint64_t short_msg = pub("a.b.high", "short", 0, 10);
  const uint64_t long_msg = pub("a.b.high", "long", 0, 1000);  // queue TTL wins
  const uint64_t only_msg = pub("c.d.low", "m", 0, 50);        // per-message only
  clk.advance(10);
  qs.tick();
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{long_msg}));
  EXPECT_EQ(ids_of(dead("a.b.high")), (std::vector<uint64_t>{short_msg}));
  clk.advance(40);
  qs.tick();
  EXPECT_EQ(ids_of(dead("c.d.low")), (std::vector<uint64_t>{only_msg}));
  clk.advance(50);
  qs.tick();
  EXPECT_TRUE(ready("a.b.high").empty());
}

TEST_F(QueuesTest, ExpiredMessageIsNeverDelivered) {
  declare("a.b.high");
  pub("a.b.high", "old", 0, 5);
  const uint64_t fresh = pub("a.b.high", "fresh");
  clk.advance(5);  // no tick
  auto d = recv("a.b.high", 10);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].msg.id, fresh);
  EXPECT_EQ(st("a.b.high").dead, 1u);
}

TEST_F(QueuesTest, ConstViewsHideExpiredWithoutChangingState) {
  declare("a.b.high");
  pub("a.b.high", "old", 0, 5);
  clk.advance(5);
  const queues& view = qs;
  EXPECT_TRUE(view.peek("a.b.high", 10)->empty());
  EXPECT_EQ(view.stats("a.b.high")->ready, 1u);  // not processed yet
  EXPECT_EQ(st("a.b.high").dead, 1u);            // the non-const stats expires first
}

TEST_F(QueuesTest, ZeroTtlExpiresAtTheNextCheck) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 0;
  declare(c);
  pub("a.b.high");
  EXPECT_TRUE(recv("a.b.high").empty());
  EXPECT_EQ(st("a.b.high").dead, 1u);
}

TEST_F(QueuesTest, UnackedMessagesDoNotExpire) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 10;
  declare(c);
  pub("a.b.high");
  auto d = recv("a.b.high");
  clk.advance(1000);
  qs.tick();
  EXPECT_EQ(st("a.b.high").unacked, 1u);
  EXPECT_TRUE(qs.ack("a.b.high", d[0].delivery_tag));
  EXPECT_EQ(st("a.b.high").dead, 0u);
}

TEST_F(QueuesTest, RequeuedMessageKeepsItsOriginalExpiry) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 100;
  declare(c);
  pub("a.b.high");
  clk.advance(60);
  auto d = recv("a.b.high");
  ASSERT_TRUE(qs.nack("a.b.high", d[0].delivery_tag, true));
  clk.advance(39);
  qs.tick();
  EXPECT_EQ(st("a.b.high").ready, 1u);
  clk.advance(1);
  qs.tick();
  EXPECT_EQ(st("a.b.high").dead, 1u);
}

// --- max length -----------------------------------------------------------------

TEST_F(QueuesTest, DropHeadDeadLettersTheOldestReady) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 2;
  declare(c);
  const uint64_t a = pub("a.b.high"), b = pub("a.b.high"), x = pub("a.b.high");
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{b, x}));
  auto dl = dead("a.b.high");
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].id, a);
  EXPECT_EQ(dl[0].deaths.at(0).reason, "maxlen");
}

TEST_F(QueuesTest, DropHeadDropsOldestEvenWithPriorities) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 1;
  c.max_priority = 9;
  declare(c);
  const uint64_t low = pub("a.b.high", "low", 0);
  const uint64_t high = pub("a.b.high", "high", 9);
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{high}));
  EXPECT_EQ(ids_of(dead("a.b.high")), (std::vector<uint64_t>{low}));
}

TEST_F(QueuesTest, MaxLengthCountsReadyOnly) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 1;
  c.overflow = overflow_policy::reject_publish;
  declare(c);
  pub("a.b.high");
  recv("a.b.high");
  EXPECT_TRUE(qs.publish({.routing_key = "a.b.high"}));  // the unacked one does not count
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready, 1u);
  EXPECT_EQ(s.unacked, 1u);
}

TEST_F(QueuesTest, MaxLengthZeroDropHeadKillsEveryPublish) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 0;
  declare(c);
  const uint64_t a = pub("a.b.high");
  EXPECT_TRUE(ready("a.b.high").empty());
  EXPECT_EQ(ids_of(dead("a.b.high")), (std::vector<uint64_t>{a}));
}

TEST_F(QueuesTest, RejectPublishRefusesTheNewMessage) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 1;
  c.overflow = overflow_policy::reject_publish;
  declare(c);
  const uint64_t a = pub("a.b.high");
  const uint64_t next = qs.next_message_id();
  auto r = qs.publish({.routing_key = "a.b.high", .body = "refused"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::rejected);
  EXPECT_EQ(r.error().detail("queue"), "a.b.high");
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a}));
  EXPECT_EQ(st("a.b.high").rejected_publishes, 1u);
  EXPECT_EQ(st("a.b.high").dead, 0u);
  EXPECT_EQ(qs.next_message_id(), next);  // no id burnt
}

TEST_F(QueuesTest, RejectPublishStillEnqueuesInOtherQueues) {
  queue_config full = qcfg("a.b.high");
  full.max_length = 0;
  full.overflow = overflow_policy::reject_publish;
  declare(full);
  declare("c.d.low");
  ASSERT_TRUE(qs.bind({"amq.fanout", "a.b.high", ""}));
  ASSERT_TRUE(qs.bind({"amq.fanout", "c.d.low", ""}));
  auto r = qs.publish({.exchange = "amq.fanout", .body = "x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::rejected);
  EXPECT_EQ(r.error().detail("enqueued"), "c.d.low");
  EXPECT_EQ(st("c.d.low").ready, 1u);
  EXPECT_EQ(st("a.b.high").ready, 0u);
}

// --- delivery limit -------------------------------------------------------------

TEST_F(QueuesTest, DeliveryLimitDeadLettersAfterTooManyReturns) {
  queue_config c = qcfg("a.b.high");
  c.delivery_limit = 1;
  declare(c);
  pub("a.b.high");
  auto d1 = recv("a.b.high");
  ASSERT_TRUE(qs.nack("a.b.high", d1[0].delivery_tag, true));  // 1 return: within the limit
  auto d2 = recv("a.b.high");
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2[0].delivery_count, 2);
  ASSERT_TRUE(qs.nack("a.b.high", d2[0].delivery_tag, true));  // 2 returns > 1
  EXPECT_TRUE(recv("a.b.high").empty());
  auto dl = dead("a.b.high");
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].deaths.at(0).reason, "delivery_limit");
}

TEST_F(QueuesTest, WithoutDeliveryLimitRedeliveryIsUnbounded) {
  declare("a.b.high");
  pub("a.b.high");
  for (int i = 1; i <= 20; ++i) {
    auto d = recv("a.b.high");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].delivery_count, i);
    ASSERT_TRUE(qs.nack("a.b.high", d[0].delivery_tag, true));
  }
}

TEST_F(QueuesTest, DeliveryLimitCountsCancelReturns) {
  queue_config c = qcfg("a.b.high");
  c.delivery_limit = 0;
  declare(c);
  pub("a.b.high");
  recv("a.b.high", 1, "c1");
  ASSERT_TRUE(qs.cancel("a.b.high", "c1"));
  EXPECT_EQ(dead("a.b.high").at(0).deaths.at(0).reason, "delivery_limit");
}

// --- leases ---------------------------------------------------------------------

TEST_F(QueuesTest, LeaseExpiryRequeuesInPlace) {
  declare("a.b.high");
  const uint64_t a = pub("a.b.high"), b = pub("a.b.high");
  auto d = recv("a.b.high", 1, "c", 30);
  clk.advance(29);
  qs.tick();
  EXPECT_EQ(st("a.b.high").unacked, 1u);
  clk.advance(1);
  qs.tick();
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a, b}));
  EXPECT_EQ(qs.ack("a.b.high", d[0].delivery_tag).error().code, errc::precondition_failed);
  auto again = recv("a.b.high");
  EXPECT_TRUE(again[0].redelivered);
  EXPECT_EQ(again[0].delivery_count, 2);
}

TEST_F(QueuesTest, AckedOrUnleasedMessagesStayPut) {
  declare("a.b.high");
  pub("a.b.high");
  pub("a.b.high");
  auto leased = recv("a.b.high", 1, "c", 10);
  auto forever = recv("a.b.high", 1, "c", 0);
  ASSERT_TRUE(qs.ack("a.b.high", leased[0].delivery_tag));
  clk.advance(1'000'000);
  qs.tick();
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready, 0u);
  EXPECT_EQ(s.unacked, 1u);
  EXPECT_TRUE(qs.ack("a.b.high", forever[0].delivery_tag));
}

// --- dead-letter exchange -------------------------------------------------------

TEST_F(QueueDeadLetterTest, RejectMovesACopyToTheDlx) {
  with_dlx(qcfg(src));
  const uint64_t a = pub(src, "body", 0, 500);
  clk.advance(3);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  auto s = st(src);
  EXPECT_EQ(s.ready + s.unacked + s.dead, 0u);
  EXPECT_EQ(s.dead_lettered, 1u);
  auto moved = qs.peek(dlq, 10).value();
  ASSERT_EQ(moved.size(), 1u);
  const message& m = moved[0];
  EXPECT_GT(m.id, a);
  EXPECT_EQ(m.parent_id, a);
  EXPECT_EQ(m.body, "body");
  EXPECT_EQ(m.exchange, "dlx");
  EXPECT_EQ(m.routing_key, src);
  EXPECT_FALSE(m.expiration_ms);  // RabbitMQ removes the per-message TTL
  EXPECT_EQ(m.published_ms, 1'000'003);
  EXPECT_EQ(m.deaths, (std::vector<death>{{"rejected", src, 1, 1'000'003, "", {src}}}));
}

TEST_F(QueueDeadLetterTest, DeadLetterRoutingKeyOverridesTheKey) {
  queue_config c = qcfg(src);
  c.dead_letter_routing_key = "special";
  with_dlx(c);
  declare("special.q.low");
  ASSERT_TRUE(qs.bind({"dlx", "special.q.low", "special"}));
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(st(dlq).ready, 0u);
  auto moved = qs.peek("special.q.low", 10).value();
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].routing_key, "special");
  EXPECT_EQ(moved[0].deaths.at(0).routing_keys, (std::vector<std::string>{src}));
}

TEST_F(QueueDeadLetterTest, ExpiredAndMaxlenAndLimitUseTheDlx) {
  queue_config c = qcfg(src);
  c.message_ttl_ms = 10;
  c.max_length = 1;
  c.delivery_limit = 0;
  with_dlx(c);
  pub(src, "dropped");
  pub(src, "expires");
  clk.advance(10);
  qs.tick();
  pub(src, "limited");
  auto d = recv(src);
  ASSERT_TRUE(qs.nack(src, d[0].delivery_tag, true));
  auto moved = qs.peek(dlq, 10).value();
  ASSERT_EQ(moved.size(), 3u);
  EXPECT_EQ(moved[0].deaths.at(0).reason, "maxlen");
  EXPECT_EQ(moved[1].deaths.at(0).reason, "expired");
  EXPECT_EQ(moved[2].deaths.at(0).reason, "delivery_limit");
  EXPECT_EQ(st(src).dead, 0u);
}

TEST_F(QueueDeadLetterTest, MissingDlxKeepsTheMessageDeadInPlace) {
  with_dlx(qcfg(src));
  ASSERT_TRUE(qs.delete_exchange("dlx"));
  const uint64_t a = pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(ids_of(dead(src)), (std::vector<uint64_t>{a}));
  EXPECT_EQ(st(dlq).ready, 0u);
  // Once the DLX exists again, new deaths move (old dead ones stay until purged).
  ASSERT_TRUE(qs.declare_exchange({"dlx", exchange_type::direct}));
  ASSERT_TRUE(qs.bind({"dlx", dlq, src}));
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(st(dlq).ready, 1u);
  EXPECT_EQ(st(src).dead, 1u);
}

TEST_F(QueueDeadLetterTest, UnroutableDeadLetterStaysInPlace) {
  with_dlx(qcfg(src));
  ASSERT_TRUE(qs.unbind({"dlx", dlq, src}));
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(st(src).dead, 1u);
}

TEST_F(QueueDeadLetterTest, FullRejectPublishTargetKeepsItInPlace) {
  ASSERT_TRUE(qs.declare_exchange({"dlx", exchange_type::fanout}));
  queue_config s = qcfg(src);
  s.dead_letter_exchange = "dlx";
  declare(s);
  queue_config t = qcfg(dlq);
  t.max_length = 0;
  t.overflow = overflow_policy::reject_publish;
  declare(t);
  ASSERT_TRUE(qs.bind({"dlx", dlq, ""}));
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(st(src).dead, 1u);
}

TEST_F(QueuesTest, DefaultExchangeAsDlxViaRoutingKey) {
  queue_config c = qcfg(src);
  c.dead_letter_routing_key = dlq;  // x-dead-letter-exchange = ""
  declare(c);
  declare(dlq);
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  EXPECT_EQ(st(dlq).ready, 1u);
  EXPECT_EQ(st(src).dead, 0u);
}

TEST_F(QueuesTest, XDeathCountsRepeatsAndMovesThemToTheFront) {
  // src -> (reject) -> dlq -> (reject) -> src -> (reject) -> dlq: rejections
  // make the loop legitimate (RabbitMQ only drops fully automatic cycles).
  queue_config a = qcfg(src);
  a.dead_letter_routing_key = dlq;
  queue_config b = qcfg(dlq);
  b.dead_letter_routing_key = src;
  declare(a);
  declare(b);
  pub(src);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  clk.advance(1);
  ASSERT_TRUE(qs.reject(dlq, recv(dlq)[0].delivery_tag));
  clk.advance(1);
  ASSERT_TRUE(qs.reject(src, recv(src)[0].delivery_tag));
  auto m = qs.peek(dlq, 10).value();
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].deaths.size(), 2u);
  EXPECT_EQ(m[0].deaths[0].queue, src);
  EXPECT_EQ(m[0].deaths[0].count, 2);
  EXPECT_EQ(m[0].deaths[0].time_ms, 1'000'000);  // the first such death's time is kept
  EXPECT_EQ(m[0].deaths[1].queue, dlq);
  EXPECT_EQ(m[0].deaths[1].count, 1);
}

TEST_F(QueuesTest, AutomaticDeadLetterCycleIsStopped) {
  queue_config a = qcfg(src);
  a.message_ttl_ms = 0;
  a.dead_letter_routing_key = dlq;
  queue_config b = qcfg(dlq);
  b.message_ttl_ms = 0;
  b.dead_letter_routing_key = src;
  declare(a);
  declare(b);
  pub(src);
  for (int i = 0; i < 5; ++i) {
    clk.advance(1);
    qs.tick();
  }
  // src expired -> dlq; dlq expired -> back to src would be a cycle: kept in dlq.
  EXPECT_EQ(st(src).ready + st(src).dead, 0u);
  auto kept = dead(dlq);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].deaths.size(), 2u);
  EXPECT_EQ(qs.next_message_id(), 3u);  // exactly one copy was made
}

TEST_F(QueuesTest, SelfDeadLetterWithMaxlenTerminates) {
  queue_config c = qcfg(src);
  c.max_length = 1;
  c.dead_letter_routing_key = src;  // back into itself
  declare(c);
  for (int i = 0; i < 10; ++i) pub(src);
  auto s = st(src);
  EXPECT_EQ(s.ready, 1u);
  EXPECT_EQ(s.ready + s.dead, 10u);
}

TEST_F(QueueDeadLetterTest, DeadListSurvivesPurgeUntilPurgeDead) {
  queue_config c = qcfg(src);
  c.message_ttl_ms = 1;
  declare(c);
  pub(src);
  pub(src);
  clk.advance(1);
  qs.tick();
  EXPECT_EQ(qs.purge(src).value(), 0u);
  EXPECT_EQ(dead(src).size(), 2u);
  EXPECT_EQ(qs.dead_letters(src, 1)->size(), 1u);
  EXPECT_EQ(qs.purge_dead(src).value(), 2u);
  EXPECT_TRUE(dead(src).empty());
}

}  // namespace
}  // namespace eventfabric::core
