// Names, topology, routing and the basic delivery cycle of core::queues.
// TTL, max-length, dead-lettering and leases: queues_deadletter_test.cc;
// persistence: queues_persist_test.cc; properties: queues_property_test.cc.
#include <algorithm>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "tests/core/queues_test_util.h"

namespace eventfabric::core {
namespace {

using testutil::qcfg;
using testutil::QueuesTest;

// --- names ----------------------------------------------------------------------

TEST(QueueNames, StrictAcceptsServiceActionPriority) {
  for (const char* n : {"notify.email.high", "ledger.refund.normal", "a.b.low", "x-1.y_2.high",
                        "notify.email.high.dlq", "svc9.do-it.normal.dlq"})
    EXPECT_TRUE(check_queue_name(n, true)) << n;
}

TEST(QueueNames, StrictRejectsEverythingElse) {
  for (const char* n :
       {"", "notify.email", "notify.email.urgent", "Notify.email.high", "notify.Email.high",
        "1notify.email.high", "_a.b.high", "notify..high", "notify.email.high.x", "notify.email.high.dlq.x",
        "notify.email.high.DLQ", "a b.c.high", "notify.email.high.", "amq.email.high", "a.b.c.high"}) {
    auto r = check_queue_name(n, true);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, errc::invalid_name) << n;
    EXPECT_EQ(r.error().detail("field"), "name");
  }
  auto r = check_queue_name("Orders", true);
  EXPECT_NE(r.error().message.find("service.action.priority"), std::string::npos);
  EXPECT_NE(r.error().message.find("notify.email.high"), std::string::npos);
}

TEST(QueueNames, RelaxedAllowsAmqpCharacters) {
  EXPECT_TRUE(check_queue_name("Orders:v1-x_y.z", false));
  EXPECT_TRUE(check_queue_name(std::string(255, 'q'), false));
  for (const std::string& n : {std::string(), std::string(256, 'q'), std::string("has space"),
                               std::string("a/b"), std::string("amq.gen-1")}) {
    auto r = check_queue_name(n, false);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, errc::invalid_name);
    EXPECT_NE(r.error().message.find("e.g."), std::string::npos);
  }
}

TEST(QueueNames, ExchangeNames) {
  EXPECT_TRUE(check_exchange_name("notify.events"));
  EXPECT_TRUE(check_exchange_name("Ex:1_a-b"));
  EXPECT_EQ(check_exchange_name("").error().code, errc::invalid_name);
  EXPECT_EQ(check_exchange_name("a b").error().code, errc::invalid_name);
  EXPECT_EQ(check_exchange_name(std::string(256, 'e')).error().code, errc::invalid_name);
}

TEST_F(QueuesTest, DeclareQueueEnforcesNameMode) {
  auto bad = qs.declare_queue(qcfg("Orders"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_name);
  EXPECT_EQ(bad.error().detail("field"), "name");
  queues relaxed(clk, nullptr, false);
  EXPECT_TRUE(relaxed.declare_queue(qcfg("Orders")));
  EXPECT_FALSE(relaxed.declare_queue(qcfg("bad name")));
  EXPECT_TRUE(qs.list_queues().empty());
}

TEST_F(QueuesTest, DeclareQueueValidatesArguments) {
  auto with = [](auto set) {
    queue_config c = qcfg("a.b.high");
    set(c);
    return c;
  };
  auto code = [&](const queue_config& c) { return qs.declare_queue(c).error().code; };
  EXPECT_EQ(code(with([](queue_config& c) { c.message_ttl_ms = -1; })), errc::invalid_argument);
  EXPECT_EQ(code(with([](queue_config& c) { c.max_length = -1; })), errc::invalid_argument);
  EXPECT_EQ(code(with([](queue_config& c) { c.max_priority = 0; })), errc::invalid_argument);
  EXPECT_EQ(code(with([](queue_config& c) { c.delivery_limit = -1; })), errc::invalid_argument);
  EXPECT_EQ(code(with([](queue_config& c) { c.dead_letter_exchange = "bad name"; })), errc::invalid_name);
  EXPECT_EQ(code(with([](queue_config& c) { c.dead_letter_routing_key = std::string(256, 'k'); })),
            errc::invalid_argument);
  EXPECT_TRUE(qs.declare_queue(with([](queue_config& c) {
    c.message_ttl_ms = 0;
    c.max_length = 0;
    c.max_priority = 255;
    c.delivery_limit = 0;
    c.dead_letter_exchange = "dlx";  // need not exist yet
  })));
}

// --- topology -------------------------------------------------------------------

TEST_F(QueuesTest, DeclareQueueIsIdempotentOnlyWhenIdentical) {
  queue_config c = qcfg("a.b.high");
  c.max_length = 5;
  ASSERT_TRUE(qs.declare_queue(c));
  EXPECT_TRUE(qs.declare_queue(c));
  c.max_length = 6;
  auto r = qs.declare_queue(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_EQ(qs.queue_info("a.b.high")->max_length, 5);
  EXPECT_EQ(qs.queue_info("x.y.low").error().code, errc::not_found);
}

TEST_F(QueuesTest, PredeclaredExchangesExist) {
  auto ex = qs.list_exchanges();
  auto has = [&](std::string n, exchange_type t) {
    return std::ranges::count(ex, exchange_config{n, t}) == 1;
  };
  EXPECT_TRUE(has("", exchange_type::direct));
  EXPECT_TRUE(has("amq.direct", exchange_type::direct));
  EXPECT_TRUE(has("amq.topic", exchange_type::topic));
  EXPECT_TRUE(has("amq.fanout", exchange_type::fanout));
  EXPECT_TRUE(qs.declare_exchange({"amq.topic", exchange_type::topic}));  // identical re-declare
}

TEST_F(QueuesTest, ReservedExchangeNamesAreRefused) {
  for (const exchange_config& c : {exchange_config{"", exchange_type::direct},
                                   {"amq.custom", exchange_type::direct},
                                   {"amq.topic", exchange_type::fanout}}) {
    auto r = qs.declare_exchange(c);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, errc::invalid_name);
    EXPECT_EQ(r.error().detail("field"), "name");
  }
  EXPECT_EQ(qs.delete_exchange("").error().code, errc::invalid_name);
  EXPECT_EQ(qs.delete_exchange("amq.direct").error().code, errc::invalid_name);
  EXPECT_EQ(qs.declare_exchange({"bad name", exchange_type::topic}).error().code, errc::invalid_name);
}

TEST_F(QueuesTest, DeclareExchangeIsIdempotentOnlyWhenIdentical) {
  ASSERT_TRUE(qs.declare_exchange({"ev", exchange_type::topic}));
  EXPECT_TRUE(qs.declare_exchange({"ev", exchange_type::topic}));
  EXPECT_EQ(qs.declare_exchange({"ev", exchange_type::fanout}).error().code, errc::already_exists);
}

TEST_F(QueuesTest, DeleteExchangeRemovesItsBindings) {
  declare("a.b.high");
  ASSERT_TRUE(qs.declare_exchange({"ev", exchange_type::fanout}));
  ASSERT_TRUE(qs.declare_exchange({"other", exchange_type::fanout}));
  ASSERT_TRUE(qs.bind({"ev", "a.b.high", ""}));
  ASSERT_TRUE(qs.bind({"other", "a.b.high", ""}));
  ASSERT_TRUE(qs.delete_exchange("ev"));
  EXPECT_EQ(qs.list_bindings(), (std::vector<binding>{{"other", "a.b.high", ""}}));
  EXPECT_EQ(qs.delete_exchange("ev").error().code, errc::not_found);
  EXPECT_EQ(qs.publish({.exchange = "ev"}).error().code, errc::not_found);
}

TEST_F(QueuesTest, DeleteQueueDropsMessagesAndBindings) {
  declare("a.b.high");
  ASSERT_TRUE(qs.bind({"amq.fanout", "a.b.high", ""}));
  pub("a.b.high");
  ASSERT_TRUE(qs.delete_queue("a.b.high"));
  EXPECT_TRUE(qs.list_bindings().empty());
  EXPECT_TRUE(qs.list_queues().empty());
  EXPECT_EQ(qs.delete_queue("a.b.high").error().code, errc::not_found);
  declare("a.b.high");
  EXPECT_EQ(st("a.b.high").ready, 0u);
}

TEST_F(QueuesTest, BindingNeedsBothEnds) {
  declare("a.b.high");
  EXPECT_EQ(qs.bind({"nope", "a.b.high", "k"}).error().code, errc::not_found);
  EXPECT_EQ(qs.bind({"amq.direct", "x.y.low", "k"}).error().code, errc::not_found);
  EXPECT_EQ(qs.bind({"", "a.b.high", "k"}).error().code, errc::invalid_argument);
  EXPECT_EQ(qs.bind({"amq.direct", "a.b.high", std::string(256, 'k')}).error().code, errc::invalid_argument);
  EXPECT_EQ(qs.unbind({"nope", "a.b.high", "k"}).error().code, errc::not_found);
  EXPECT_TRUE(qs.list_bindings().empty());
}

TEST_F(QueuesTest, BindIsIdempotentAndUnbindStopsRouting) {
  declare("a.b.high");
  ASSERT_TRUE(qs.bind({"amq.direct", "a.b.high", "k"}));
  ASSERT_TRUE(qs.bind({"amq.direct", "a.b.high", "k"}));
  EXPECT_EQ(qs.list_bindings().size(), 1u);
  EXPECT_EQ(qs.publish({.exchange = "amq.direct", .routing_key = "k"})->queues.size(), 1u);
  ASSERT_TRUE(qs.unbind({"amq.direct", "a.b.high", "k"}));
  EXPECT_TRUE(qs.unbind({"amq.direct", "a.b.high", "k"}));  // absent binding: ok
  EXPECT_TRUE(qs.publish({.exchange = "amq.direct", .routing_key = "k"})->queues.empty());
}

TEST_F(QueuesTest, UnknownQueueIsNotFoundEverywhere) {
  const std::string q = "x.y.low";
  EXPECT_EQ(qs.purge(q).error().code, errc::not_found);
  EXPECT_EQ(qs.purge_dead(q).error().code, errc::not_found);
  EXPECT_EQ(qs.receive(q, "c", 1, 0).error().code, errc::not_found);
  EXPECT_EQ(qs.set_prefetch(q, "c", 1).error().code, errc::not_found);
  EXPECT_EQ(qs.ack(q, 1).error().code, errc::not_found);
  EXPECT_EQ(qs.nack(q, 1, true).error().code, errc::not_found);
  EXPECT_EQ(qs.cancel(q, "c").error().code, errc::not_found);
  EXPECT_EQ(qs.peek(q, 1).error().code, errc::not_found);
  EXPECT_EQ(qs.dead_letters(q, 1).error().code, errc::not_found);
  EXPECT_EQ(qs.stats(q).error().code, errc::not_found);
  EXPECT_EQ(std::as_const(qs).stats(q).error().code, errc::not_found);
  EXPECT_EQ(std::as_const(qs).peek(q, 1).error().code, errc::not_found);
}

// --- routing --------------------------------------------------------------------

TEST_F(QueuesTest, DefaultExchangeRoutesByQueueName) {
  declare("a.b.high");
  auto r = qs.publish({.exchange = "", .routing_key = "a.b.high", .body = "x"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->queues, (std::vector<std::string>{"a.b.high"}));
  EXPECT_TRUE(qs.publish({.exchange = "", .routing_key = "x.y.low"})->queues.empty());
  auto m = qs.publish({.exchange = "", .routing_key = "x.y.low", .mandatory = true});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, errc::unroutable);
}

TEST_F(QueuesTest, DirectExchangeNeedsExactKey) {
  declare("a.b.high");
  declare("c.d.low");
  ASSERT_TRUE(qs.declare_exchange({"ev", exchange_type::direct}));
  ASSERT_TRUE(qs.bind({"ev", "a.b.high", "created"}));
  ASSERT_TRUE(qs.bind({"ev", "c.d.low", "deleted"}));
  EXPECT_EQ(qs.publish({.exchange = "ev", .routing_key = "created"})->queues,
            (std::vector<std::string>{"a.b.high"}));
  EXPECT_TRUE(qs.publish({.exchange = "ev", .routing_key = "created.x"})->queues.empty());
  EXPECT_EQ(qs.publish({.exchange = "ev", .routing_key = "nope", .mandatory = true}).error().code,
            errc::unroutable);
}

TEST_F(QueuesTest, TopicExchangeMatchesPatterns) {
  declare("a.b.high");
  declare("c.d.low");
  ASSERT_TRUE(qs.bind({"amq.topic", "a.b.high", "order.*.created"}));
  ASSERT_TRUE(qs.bind({"amq.topic", "c.d.low", "order.#"}));
  EXPECT_EQ(qs.publish({.exchange = "amq.topic", .routing_key = "order.eu.created"})->queues,
            (std::vector<std::string>{"a.b.high", "c.d.low"}));
  EXPECT_EQ(qs.publish({.exchange = "amq.topic", .routing_key = "order"})->queues,
            (std::vector<std::string>{"c.d.low"}));
  EXPECT_TRUE(qs.publish({.exchange = "amq.topic", .routing_key = "invoice.eu.created"})->queues.empty());
}

TEST_F(QueuesTest, FanoutIgnoresKeysAndCopiesWithOwnIds) {
  declare("a.b.high");
  declare("c.d.low");
  ASSERT_TRUE(qs.bind({"amq.fanout", "a.b.high", "ignored"}));
  ASSERT_TRUE(qs.bind({"amq.fanout", "c.d.low", ""}));
  auto r = qs.publish({.exchange = "amq.fanout", .routing_key = "whatever", .body = "x"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->queues, (std::vector<std::string>{"a.b.high", "c.d.low"}));
  ASSERT_EQ(r->ids.size(), 2u);
  EXPECT_LT(r->ids[0], r->ids[1]);
  EXPECT_EQ(r->message_id_seq, r->ids[0]);
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{r->ids[0]}));
  EXPECT_EQ(ready("c.d.low"), (std::vector<uint64_t>{r->ids[1]}));
  EXPECT_EQ(qs.next_message_id(), r->ids[1] + 1);
}

TEST_F(QueuesTest, SeveralMatchingBindingsGiveOneCopy) {
  declare("a.b.high");
  ASSERT_TRUE(qs.bind({"amq.topic", "a.b.high", "x.*"}));
  ASSERT_TRUE(qs.bind({"amq.topic", "a.b.high", "#"}));
  EXPECT_EQ(qs.publish({.exchange = "amq.topic", .routing_key = "x.y"})->ids.size(), 1u);
  EXPECT_EQ(st("a.b.high").ready, 1u);
}

TEST_F(QueuesTest, PublishValidatesInput) {
  declare("a.b.high");
  EXPECT_EQ(qs.publish({.exchange = "nope", .routing_key = "a.b.high"}).error().code, errc::not_found);
  EXPECT_EQ(qs.publish({.routing_key = std::string(256, 'k')}).error().code, errc::invalid_argument);
  EXPECT_EQ(qs.publish({.routing_key = "a.b.high", .expiration_ms = -1}).error().code,
            errc::invalid_argument);
  EXPECT_EQ(st("a.b.high").ready, 0u);
}

TEST_F(QueuesTest, MessageKeepsPublishedFields) {
  declare("a.b.high");
  clk.set(5000);
  ASSERT_TRUE(qs.publish({.routing_key = "a.b.high",
                          .body = "payload",
                          .message_id = "m-1",
                          .headers = {{"k", "v"}},
                          .priority = 3,
                          .expiration_ms = 99}));
  auto d = recv("a.b.high");
  ASSERT_EQ(d.size(), 1u);
  const message& m = d[0].msg;
  EXPECT_EQ(m.exchange, "");
  EXPECT_EQ(m.routing_key, "a.b.high");
  EXPECT_EQ(m.body, "payload");
  EXPECT_EQ(m.message_id, "m-1");
  EXPECT_EQ(m.headers, (std::vector<header>{{"k", "v"}}));
  EXPECT_EQ(m.priority, 3);
  EXPECT_EQ(m.expiration_ms, 99);
  EXPECT_EQ(m.published_ms, 5000);
  EXPECT_TRUE(m.deaths.empty());
  EXPECT_EQ(m.parent_id, 0u);
}

// --- delivery -------------------------------------------------------------------

TEST_F(QueuesTest, DeliversFifoWithFreshDeliveryFields) {
  declare("a.b.high");
  const uint64_t a = pub("a.b.high", "1"), b = pub("a.b.high", "2"), c = pub("a.b.high", "3");
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a, b, c}));
  auto d = recv("a.b.high", 2, "worker");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].msg.id, a);
  EXPECT_EQ(d[1].msg.id, b);
  EXPECT_NE(d[0].delivery_tag, d[1].delivery_tag);
  EXPECT_FALSE(d[0].redelivered);
  EXPECT_EQ(d[0].delivery_count, 1);
  EXPECT_EQ(d[0].consumer_tag, "worker");
  EXPECT_EQ(d[0].queue, "a.b.high");
  EXPECT_TRUE(recv("a.b.high", 0).empty());
  EXPECT_EQ(recv("a.b.high", 10).size(), 1u);
  EXPECT_TRUE(recv("a.b.high", 10).empty());
}

TEST_F(QueuesTest, PriorityIgnoredWithoutMaxPriority) {
  declare("a.b.high");
  const uint64_t low = pub("a.b.high", "low", 0), high = pub("a.b.high", "high", 9);
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{low, high}));
}

TEST_F(QueuesTest, HigherPriorityFirstAndClampedToMax) {
  queue_config c = qcfg("a.b.high");
  c.max_priority = 5;
  declare(c);
  const uint64_t p0 = pub("a.b.high", "p0", 0);
  const uint64_t p5 = pub("a.b.high", "p5", 5);
  const uint64_t p2 = pub("a.b.high", "p2", 2);
  const uint64_t p200 = pub("a.b.high", "p200", 200);  // clamped to 5: after p5 (FIFO)
  const uint64_t p2b = pub("a.b.high", "p2b", 2);
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{p5, p200, p2, p2b, p0}));
  auto d = recv("a.b.high", 2);
  EXPECT_EQ(d[0].msg.id, p5);
  EXPECT_EQ(d[1].msg.id, p200);
  EXPECT_EQ(d[1].msg.priority, 200);  // the message keeps what was published
}

TEST_F(QueuesTest, PrefetchBoundsUnackedPerConsumer) {
  declare("a.b.high");
  for (int i = 0; i < 5; ++i) pub("a.b.high");
  ASSERT_TRUE(qs.set_prefetch("a.b.high", "c", 2));
  auto d = recv("a.b.high", 10, "c");
  EXPECT_EQ(d.size(), 2u);
  EXPECT_TRUE(recv("a.b.high", 10, "c").empty());
  EXPECT_EQ(recv("a.b.high", 1, "other").size(), 1u);  // other consumer: unlimited
  ASSERT_TRUE(qs.ack("a.b.high", d[0].delivery_tag));
  EXPECT_EQ(recv("a.b.high", 10, "c").size(), 1u);
  ASSERT_TRUE(qs.set_prefetch("a.b.high", "c", 0));
  EXPECT_EQ(recv("a.b.high", 10, "c").size(), 1u);
  EXPECT_EQ(st("a.b.high").consumers, 2u);
  EXPECT_EQ(qs.set_prefetch("a.b.high", "", 1).error().code, errc::invalid_argument);
}

TEST_F(QueuesTest, ReceiveRegistersConsumerAndValidatesInput) {
  declare("a.b.high");
  EXPECT_EQ(st("a.b.high").consumers, 0u);
  EXPECT_TRUE(recv("a.b.high", 1, "c").empty());
  EXPECT_EQ(st("a.b.high").consumers, 1u);
  EXPECT_EQ(qs.receive("a.b.high", "", 1, 0).error().code, errc::invalid_argument);
  EXPECT_EQ(qs.receive("a.b.high", "c", 1, -1).error().code, errc::invalid_argument);
}

TEST_F(QueuesTest, AckRemovesAndUnknownTagFails) {
  declare("a.b.high");
  pub("a.b.high");
  auto d = recv("a.b.high");
  ASSERT_TRUE(qs.ack("a.b.high", d[0].delivery_tag));
  auto again = qs.ack("a.b.high", d[0].delivery_tag);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::precondition_failed);
  EXPECT_EQ(qs.ack("a.b.high", 999).error().code, errc::precondition_failed);
  EXPECT_EQ(qs.nack("a.b.high", 999, true).error().code, errc::precondition_failed);
  EXPECT_EQ(qs.reject("a.b.high", 999).error().code, errc::precondition_failed);
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready + s.unacked + s.dead, 0u);
  EXPECT_EQ(s.acked, 1u);
}

TEST_F(QueuesTest, NackRequeueKeepsOriginalPosition) {
  declare("a.b.high");
  const uint64_t a = pub("a.b.high"), b = pub("a.b.high");
  auto d = recv("a.b.high");
  ASSERT_EQ(d[0].msg.id, a);
  const uint64_t c = pub("a.b.high");
  ASSERT_TRUE(qs.nack("a.b.high", d[0].delivery_tag, true));
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a, b, c}));
  auto again = recv("a.b.high");
  EXPECT_EQ(again[0].msg.id, a);
  EXPECT_TRUE(again[0].redelivered);
  EXPECT_EQ(again[0].delivery_count, 2);
  EXPECT_NE(again[0].delivery_tag, d[0].delivery_tag);
  EXPECT_EQ(qs.ack("a.b.high", d[0].delivery_tag).error().code, errc::precondition_failed);
  EXPECT_EQ(st("a.b.high").redelivered, 1u);
}

TEST_F(QueuesTest, NackWithoutRequeueKeepsItDeadWithoutDlx) {
  declare("a.b.high");
  const uint64_t a = pub("a.b.high");
  clk.advance(7);
  ASSERT_TRUE(qs.reject("a.b.high", recv("a.b.high")[0].delivery_tag));
  auto dl = dead("a.b.high");
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].id, a);
  ASSERT_EQ(dl[0].deaths.size(), 1u);
  EXPECT_EQ(dl[0].deaths[0], (death{"rejected", "a.b.high", 1, 1'000'007, "", {"a.b.high"}}));
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready, 0u);
  EXPECT_EQ(s.unacked, 0u);
  EXPECT_EQ(s.dead, 1u);
  EXPECT_EQ(s.dead_lettered, 1u);
  EXPECT_TRUE(recv("a.b.high").empty());
}

TEST_F(QueuesTest, CancelRequeuesOnlyThatConsumersMessages) {
  declare("a.b.high");
  const uint64_t a = pub("a.b.high"), b = pub("a.b.high");
  auto da = recv("a.b.high", 1, "c1");
  auto db = recv("a.b.high", 1, "c2");
  ASSERT_TRUE(qs.cancel("a.b.high", "c1"));
  EXPECT_EQ(ready("a.b.high"), (std::vector<uint64_t>{a}));
  auto s = st("a.b.high");
  EXPECT_EQ(s.unacked, 1u);
  EXPECT_EQ(s.consumers, 1u);
  EXPECT_EQ(qs.ack("a.b.high", da[0].delivery_tag).error().code, errc::precondition_failed);
  EXPECT_TRUE(qs.ack("a.b.high", db[0].delivery_tag));
  EXPECT_EQ(db[0].msg.id, b);
  EXPECT_TRUE(qs.cancel("a.b.high", "never-seen"));  // no-op, like basic.cancel
  EXPECT_EQ(qs.cancel("a.b.high", "").error().code, errc::invalid_argument);
}

TEST_F(QueuesTest, PeekChangesNothing) {
  declare("a.b.high");
  pub("a.b.high", "1");
  pub("a.b.high", "2");
  EXPECT_EQ(testutil::bodies_of(qs.peek("a.b.high", 1).value()), (std::vector<std::string>{"1"}));
  EXPECT_EQ(qs.peek("a.b.high", 10)->size(), 2u);
  EXPECT_EQ(std::as_const(qs).peek("a.b.high", 10)->size(), 2u);
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready, 2u);
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.published, 2u);
}

TEST_F(QueuesTest, PurgeRemovesReadyOnly) {
  declare("a.b.high");
  for (int i = 0; i < 3; ++i) pub("a.b.high");
  auto d = recv("a.b.high", 2);
  ASSERT_TRUE(qs.reject("a.b.high", d[0].delivery_tag));
  EXPECT_EQ(qs.purge("a.b.high").value(), 1u);
  auto s = st("a.b.high");
  EXPECT_EQ(s.ready, 0u);
  EXPECT_EQ(s.unacked, 1u);
  EXPECT_EQ(s.dead, 1u);
  EXPECT_EQ(qs.purge_dead("a.b.high").value(), 1u);
  EXPECT_EQ(st("a.b.high").dead, 0u);
  EXPECT_TRUE(qs.ack("a.b.high", d[1].delivery_tag));
}

// --- non-consuming tail ------------------------------------------------------------

TEST_F(QueuesTest, SinceListsHeldMessagesAboveAnIdInAnyStateWithoutChangingThem) {
  declare("a.b.high");
  const uint64_t m1 = pub("a.b.high", "one");
  const uint64_t m2 = pub("a.b.high", "two");
  const uint64_t m3 = pub("a.b.high", "three");
  auto d = recv("a.b.high");  // m1 is now unacked
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].msg.id, m1);
  const auto& view = qs;
  auto all = view.since("a.b.high", 0, 10).value();
  EXPECT_EQ(testutil::ids_of(all.first), (std::vector<uint64_t>{m1, m2, m3})) << "id order, whatever the state";
  EXPECT_EQ(all.second, 3u);
  auto after_first = view.since("a.b.high", m1, 1).value();
  EXPECT_EQ(testutil::ids_of(after_first.first), std::vector<uint64_t>{m2});
  EXPECT_EQ(after_first.second, 2u) << "counts beyond max";
  EXPECT_TRUE(view.since("a.b.high", m3, 10).value().first.empty());
  EXPECT_EQ(view.since("nope.nope.high", 0, 10).error().code, errc::not_found);
  EXPECT_EQ(st("a.b.high").ready, 2u);
  EXPECT_EQ(st("a.b.high").unacked, 1u);
}

}  // namespace
}  // namespace eventfabric::core
