#include "emulator/core/broker.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/store/memory_store.h"

namespace eventfabric::core {
namespace {

std::string envelope_json(const std::string& key, const std::string& id = "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91") {
  nlohmann::json j = {{"id", id},
                      {"type", "workflow.instance.started.v1"},
                      {"occurred_at", "2024-05-01T12:00:00Z"},
                      {"source", "wf"},
                      {"correlation_id", "c-1"},
                      {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                      {"payload", {{"n", 1}}},
                      {"metadata", {{"partition_key", key}}}};
  return j.dump();
}

TEST(Broker, ProduceEnvelopeKeysByPartitionKey) {
  manual_clock clock;
  broker b({.clk = &clock, .seed = 1});
  ASSERT_TRUE(b.topics().create({"workflow.instance.started.v1", 12}));
  auto p = b.produce_envelope("workflow.instance.started.v1", envelope_json("21"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->partition, (-973932308 & 0x7fffffff) % 12);
  auto rec = b.topics().fetch("workflow.instance.started.v1", p->partition, 0);
  EXPECT_EQ(rec->front().key, std::optional<std::string>("21"));
  EXPECT_EQ(rec->front().timestamp_ms, clock.now_ms());
}

TEST(Broker, ProduceEnvelopeRejectsInvalidEnvelopesNamingTheField) {
  broker b({.seed = 1});
  ASSERT_TRUE(b.topics().create({"workflow.instance.started.v1", 1}));
  auto j = nlohmann::json::parse(envelope_json("k"));
  j.erase("trace_id");
  auto p = b.produce_envelope("workflow.instance.started.v1", j.dump());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, errc::validation_failed);
  EXPECT_EQ(p.error().detail("field"), "trace_id");
  EXPECT_EQ(b.topics().partition("workflow.instance.started.v1", 0)->high_watermark, 0);
  EXPECT_EQ(b.produce_envelope("nope.nope.nope.v1", envelope_json("k")).error().code, errc::not_found);
}

TEST(Broker, TopicChangesRebalanceGroupsThroughTheBroker) {
  manual_clock clock;
  broker b({.clk = &clock, .seed = 1});
  ASSERT_TRUE(b.topics().create({"orders.order.placed.v1", 2}));
  join_request r;
  r.group = "g";
  r.topics = {"orders.order.placed.v1"};
  auto a = *b.groups().join(r);
  ASSERT_TRUE(b.topics().add_partitions("orders.order.placed.v1", 4));
  EXPECT_EQ(b.groups().heartbeat("g", a.member_id, a.generation).error().code, errc::rebalance_in_progress);
}

// The same scenario on a broker that is recovered from its store after every
// step must observe exactly what an uninterrupted broker observes.
TEST(Broker, RecoveryReproducesTopicsGroupsAndQueues) {
  manual_clock clock;
  store::memory_store store;
  auto build = [&](broker& b) {
    ASSERT_TRUE(b.topics().create({"orders.order.placed.v1", 3}));
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE(b.produce_envelope("orders.order.placed.v1", envelope_json("key-" + std::to_string(i % 5))));
    join_request r;
    r.group = "ledger";
    r.topics = {"orders.order.placed.v1"};
    auto a = *b.groups().join(r);
    ASSERT_TRUE(b.groups().commit("ledger", a.member_id, a.generation, "orders.order.placed.v1", 0, 2));
    ASSERT_TRUE(b.queues().declare_queue({.name = "notify.email.high"}));
    for (int i = 0; i < 5; ++i) {
      publish_request p;
      p.routing_key = "notify.email.high";
      p.body = "m" + std::to_string(i);
      ASSERT_TRUE(b.queues().publish(p));
    }
    auto d = b.queues().receive("notify.email.high", "c1", 2, 0);
    ASSERT_TRUE(b.queues().ack("notify.email.high", (*d)[0].delivery_tag));
  };
  broker live({.clk = &clock, .seed = 7, .store = &store});
  ASSERT_TRUE(live.recover());
  build(live);
  ASSERT_TRUE(live.sync());

  broker again({.clk = &clock, .seed = 7, .store = &store});
  ASSERT_TRUE(again.recover());
  EXPECT_EQ(again.topics().list(), live.topics().list());
  for (int32_t p = 0; p < 3; ++p)
    EXPECT_EQ(*again.topics().fetch("orders.order.placed.v1", p, 0), *live.topics().fetch("orders.order.placed.v1", p, 0));
  EXPECT_EQ(*again.groups().committed("ledger", "orders.order.placed.v1", 0), std::optional<int64_t>(2));
  EXPECT_EQ(again.groups().describe("ledger")->generation, live.groups().describe("ledger")->generation);
  auto s = again.queues().stats("notify.email.high");
  EXPECT_EQ(s->ready, 4u);  // the unacked one is ready again after the restart
  EXPECT_EQ(s->unacked, 0u);
  auto peeked = again.queues().peek("notify.email.high", 10);
  ASSERT_EQ(peeked->size(), 4u);
  EXPECT_EQ((*peeked)[0].body, "m1");
}

TEST(Broker, UncommittedWorkIsNotRecovered) {
  store::memory_store store;
  {
    broker b({.seed = 1, .store = &store});
    ASSERT_TRUE(b.recover());
    ASSERT_TRUE(b.topics().create({"orders.order.placed.v1", 1}));
    ASSERT_TRUE(b.sync());
    ASSERT_TRUE(b.produce_envelope("orders.order.placed.v1", envelope_json("a")));
    store.rollback();  // the process died before sync()
  }
  broker b({.seed = 1, .store = &store});
  ASSERT_TRUE(b.recover());
  EXPECT_TRUE(b.topics().exists("orders.order.placed.v1"));
  EXPECT_EQ(b.topics().partition("orders.order.placed.v1", 0)->high_watermark, 0);
}

TEST(Broker, FailedSyncIsReported) {
  store::memory_store store;
  broker b({.seed = 1, .store = &store});
  ASSERT_TRUE(b.recover());
  ASSERT_TRUE(b.topics().create({"orders.order.placed.v1", 1}));
  ASSERT_TRUE(b.sync());
  ASSERT_TRUE(b.produce_envelope("orders.order.placed.v1", envelope_json("a")));
  ASSERT_TRUE(b.sync());
  ASSERT_TRUE(b.produce_envelope("orders.order.placed.v1", envelope_json("b")));
  ASSERT_TRUE(b.queues().declare_queue({.name = "notify.email.high"}));
  store.fail_next_commits(1);
  auto s = b.sync();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, errc::storage_error);
  // Memory never runs ahead of the store: the failed batch is forgotten...
  EXPECT_EQ(b.topics().partition("orders.order.placed.v1", 0)->high_watermark, 1);
  EXPECT_TRUE(b.queues().list_queues().empty());
  // ...and later writes continue from the committed state, offsets contiguous.
  auto next = b.produce_envelope("orders.order.placed.v1", envelope_json("c"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->offset, 1);
  ASSERT_TRUE(b.sync());
  broker reopened({.seed = 1, .store = &store});
  ASSERT_TRUE(reopened.recover());
  auto recs = reopened.topics().fetch("orders.order.placed.v1", 0, 0);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[1].offset, 1);
}

TEST(Broker, CorruptStoredValueFailsRecoveryWithAnError) {
  store::memory_store store;
  store.put("topic", "orders.order.placed.v1", "garbage");
  ASSERT_TRUE(store.commit());
  broker b({.seed = 1, .store = &store});
  auto r = b.recover();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::storage_error);
}

}  // namespace
}  // namespace eventfabric::core
