// Persistence and recovery of core::queues through a fake storage.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "emulator/core/codec.h"
#include "emulator/core/queues_codec.h"
#include "tests/core/queues_test_util.h"
#include "tests/support/fake_storage.h"

namespace eventfabric::core {
namespace {

using testutil::ids_of;
using testutil::qcfg;

// Feeds a committed store into a fresh module, as the broker's recovery does.
class restorer final : public storage_loader {
 public:
  explicit restorer(queues& q) : q_(q) {}
  void on_value(std::string_view space, std::string_view key, std::string_view value) override {
    auto r = q_.restore(space, key, value);
    if (!r)
      errors.push_back(r.error());
    else if (!*r)
      ++foreign;
  }
  void on_record(std::string_view, int32_t, record&&) override {}
  std::vector<error> errors;
  int foreign = 0;

 private:
  queues& q_;
};

class QueuePersistTest : public ::testing::Test {
 protected:
  manual_clock clk{1'000'000};
  testing::fake_storage store;
  queues qs{clk, &store};

  // Commits and rebuilds a fresh module from the store.
  std::unique_ptr<queues> reopen() {
    EXPECT_TRUE(store.commit());
    auto fresh = std::make_unique<queues>(clk, &store);
    restorer r(*fresh);
    EXPECT_TRUE(store.load(r));
    EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
    fresh->finish_restore();
    return fresh;
  }

  uint64_t pub(const std::string& q, const std::string& body = "b") {
    auto r = qs.publish({.routing_key = q, .body = body});
    EXPECT_TRUE(r);
    return r->ids.at(0);
  }
};

TEST_F(QueuePersistTest, TopologyRoundTrips) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 5;
  c.max_length = 7;
  c.overflow = overflow_policy::reject_publish;
  c.max_priority = 4;
  c.delivery_limit = 3;
  c.dead_letter_exchange = "dlx";
  c.dead_letter_routing_key = "";
  ASSERT_TRUE(qs.declare_queue(c));
  ASSERT_TRUE(qs.declare_queue(qcfg("c.d.low")));
  ASSERT_TRUE(qs.declare_exchange({"dlx", exchange_type::topic}));
  ASSERT_TRUE(qs.declare_exchange({"gone", exchange_type::fanout}));
  ASSERT_TRUE(qs.bind({"dlx", "c.d.low", std::string("with\0nul", 8)}));
  ASSERT_TRUE(qs.bind({"amq.fanout", "a.b.high", ""}));
  ASSERT_TRUE(qs.bind({"gone", "a.b.high", ""}));
  ASSERT_TRUE(qs.delete_exchange("gone"));
  auto fresh = reopen();
  EXPECT_EQ(fresh->list_queues(), qs.list_queues());
  EXPECT_EQ(fresh->list_exchanges(), qs.list_exchanges());
  EXPECT_EQ(fresh->list_bindings(), qs.list_bindings());
  EXPECT_EQ(fresh->queue_info("a.b.high").value(), c);
}

TEST_F(QueuePersistTest, MessagesRoundTripAndUnackedBecomeRedelivered) {
  queue_config c = qcfg("a.b.high");
  c.max_priority = 5;
  ASSERT_TRUE(qs.declare_queue(c));
  ASSERT_TRUE(qs.publish({.routing_key = "a.b.high",
                          .body = "one",
                          .message_id = "m1",
                          .headers = {{"h", "v"}},
                          .priority = 1,
                          .expiration_ms = 10'000}));
  const uint64_t two = pub("a.b.high", "two");
  pub("a.b.high", "three");
  const uint64_t four = pub("a.b.high", "four");
  auto d = qs.receive("a.b.high", "c", 3, 0).value();  // one, two, three
  ASSERT_TRUE(qs.ack("a.b.high", d[0].delivery_tag));
  ASSERT_TRUE(qs.reject("a.b.high", d[2].delivery_tag));  // three: dead
  const auto before = qs.peek("a.b.high", 10).value();

  auto fresh = reopen();
  EXPECT_EQ(ids_of(fresh->peek("a.b.high", 10).value()), (std::vector<uint64_t>{two, four}));
  EXPECT_EQ(fresh->dead_letters("a.b.high", 10).value(), qs.dead_letters("a.b.high", 10).value());
  auto s = fresh->stats("a.b.high").value();
  EXPECT_EQ(s.ready, 2u);
  EXPECT_EQ(s.unacked, 0u);
  EXPECT_EQ(s.dead, 1u);
  auto again = fresh->receive("a.b.high", "c", 10, 0).value();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].msg, d[1].msg);
  EXPECT_TRUE(again[0].redelivered);
  EXPECT_EQ(again[0].delivery_count, 2);
  EXPECT_FALSE(again[1].redelivered);
  EXPECT_EQ(again[1].msg, before.at(0));
}

TEST_F(QueuePersistTest, UncommittedWritesAreLost) {
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high")));
  ASSERT_TRUE(store.commit());
  pub("a.b.high");
  store.rollback();
  auto fresh = reopen();
  EXPECT_EQ(fresh->stats("a.b.high")->ready, 0u);
}

TEST_F(QueuePersistTest, IdsContinueAfterRestoreEvenWhenAllAcked) {
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high")));
  pub("a.b.high");
  const uint64_t last = pub("a.b.high");
  const auto got = qs.receive("a.b.high", "c", 10, 0).value();
  for (const auto& d : got) ASSERT_TRUE(qs.ack("a.b.high", d.delivery_tag));
  auto fresh = reopen();
  EXPECT_EQ(fresh->next_message_id(), last + 1);
}

TEST_F(QueuePersistTest, DeletesAndPurgesArePersisted) {
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high")));
  ASSERT_TRUE(qs.declare_queue(qcfg("c.d.low")));
  ASSERT_TRUE(qs.bind({"amq.direct", "a.b.high", "k"}));
  pub("a.b.high");
  pub("c.d.low");
  pub("c.d.low");
  ASSERT_TRUE(qs.delete_queue("a.b.high"));
  ASSERT_TRUE(qs.purge("c.d.low"));
  auto fresh = reopen();
  EXPECT_EQ(fresh->list_queues(), (std::vector<std::string>{"c.d.low"}));
  EXPECT_TRUE(fresh->list_bindings().empty());
  EXPECT_EQ(fresh->stats("c.d.low")->ready, 0u);
  for (const auto& [key, value] : store.values()) EXPECT_NE(key.first, "qmsg");
}

TEST_F(QueuePersistTest, TtlKeepsCountingAcrossRestore) {
  queue_config c = qcfg("a.b.high");
  c.message_ttl_ms = 100;
  ASSERT_TRUE(qs.declare_queue(c));
  pub("a.b.high");
  clk.advance(60);
  auto fresh = reopen();
  clk.advance(39);
  fresh->tick();
  EXPECT_EQ(fresh->stats("a.b.high")->ready, 1u);
  clk.advance(1);
  fresh->tick();
  EXPECT_EQ(fresh->stats("a.b.high")->dead, 1u);
}

TEST_F(QueuePersistTest, DeadLetterMovesArePersisted) {
  queue_config c = qcfg("a.b.high");
  c.dead_letter_routing_key = "a.b.high.dlq";
  ASSERT_TRUE(qs.declare_queue(c));
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high.dlq")));
  pub("a.b.high");
  ASSERT_TRUE(qs.reject("a.b.high", qs.receive("a.b.high", "c", 1, 0)->at(0).delivery_tag));
  auto fresh = reopen();
  auto st = fresh->stats("a.b.high").value();
  EXPECT_EQ(st.ready + st.dead, 0u);
  EXPECT_EQ(fresh->peek("a.b.high.dlq", 10).value(), qs.peek("a.b.high.dlq", 10).value());
}

TEST_F(QueuePersistTest, OrphansAreDroppedAndForeignSpacesIgnored) {
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high")));
  pub("a.b.high");
  ASSERT_TRUE(store.commit());
  // A message whose queue record is missing, and another module's value.
  const auto& values = store.values();
  const std::string msg_key = values.lower_bound({"qmsg", ""})->first.second;
  const std::string msg_value = values.at({"qmsg", msg_key});
  store.poke("qmsg", queues_codec::qmsg_key("x.y.low", 77), msg_value);  // id mismatch
  store.poke("topic", "t", "whatever");
  store.poke("meta", "other_module", "x");
  queues fresh(clk, &store);
  restorer r(fresh);
  ASSERT_TRUE(store.load(r));
  ASSERT_EQ(r.errors.size(), 1u);  // key id != value id
  EXPECT_EQ(r.errors[0].code, errc::storage_error);
  EXPECT_EQ(r.foreign, 2);
  auto orphan = queues_codec::decode_entry(msg_value).value();
  orphan.msg.id = 78;
  EXPECT_TRUE(fresh.restore("qmsg", queues_codec::qmsg_key("x.y.low", 78), queues_codec::encode_entry(orphan))
                  .value());
  fresh.finish_restore();
  EXPECT_EQ(fresh.stats("a.b.high")->ready, 1u);
  EXPECT_EQ(fresh.list_queues().size(), 1u);
  EXPECT_EQ(fresh.next_message_id(), 79u);  // ids never go backwards
}

TEST_F(QueuePersistTest, CorruptValuesAreStorageErrors) {
  queues fresh(clk, &store);
  auto code = [&](std::string_view space, std::string_view key, std::string_view value) {
    auto r = fresh.restore(space, key, value);
    return r ? errc::internal : r.error().code;
  };
  const std::string good_queue = queues_codec::encode_queue_config(qcfg("a.b.high"));
  ASSERT_TRUE(fresh.restore("queue", "a.b.high", good_queue).value());
  EXPECT_EQ(code("queue", "a.b.high", good_queue.substr(0, good_queue.size() - 1)), errc::storage_error);
  EXPECT_EQ(code("queue", "a.b.high", good_queue + "x"), errc::storage_error);
  EXPECT_EQ(code("queue", "other.name.low", good_queue), errc::storage_error);
  EXPECT_EQ(code("queue", "", ""), errc::storage_error);
  EXPECT_EQ(code("exchange", "ex", std::string(1, '\x09')), errc::storage_error);
  EXPECT_EQ(code("exchange", "ex", ""), errc::storage_error);
  EXPECT_EQ(code("exchange", "bad name", std::string(1, '\0')), errc::storage_error);
  EXPECT_EQ(code("binding", "no-separators", ""), errc::storage_error);
  EXPECT_EQ(code("qmsg", "short", ""), errc::storage_error);
  EXPECT_EQ(code("meta", "queue_next_id", "123"), errc::storage_error);

  queue_entry e;
  e.msg.id = 5;
  e.msg.deaths.push_back({"expired", "a.b.high", 1, 2, "", {"k"}});
  const std::string key = queues_codec::qmsg_key("a.b.high", 5);
  const std::string good = queues_codec::encode_entry(e);
  ASSERT_TRUE(fresh.restore("qmsg", key, good).value());
  for (std::size_t cut = 0; cut < good.size(); ++cut)
    EXPECT_EQ(code("qmsg", key, good.substr(0, cut)), errc::storage_error) << cut;
  std::string bad_state = good;
  bad_state[bad_state.size() - 14] = 9;  // state byte: u8 state, i32 count, u8 redelivered, i64 time
  EXPECT_EQ(code("qmsg", key, bad_state), errc::storage_error);
}

TEST_F(QueuePersistTest, CodecRoundTripsEveryField) {
  queue_entry e;
  e.msg = {42,    "ex",
           "rk",  std::string("b\0dy", 4),
           "mid", {{"k", "v"}, {"k2", ""}},
           7,     1234,
           99,    {{"rejected", "q", 3, 4, "x", {"r1", "r2"}}},
           41};
  e.state = message_state::dead;
  e.delivery_count = 3;
  e.redelivered = true;
  e.enqueued_ms = 555;
  auto back = queues_codec::decode_entry(queues_codec::encode_entry(e)).value();
  EXPECT_EQ(back.msg, e.msg);
  EXPECT_EQ(back.state, e.state);
  EXPECT_EQ(back.delivery_count, 3);
  EXPECT_TRUE(back.redelivered);
  EXPECT_EQ(back.enqueued_ms, 555);
  auto parts =
      queues_codec::parse_qmsg_key(queues_codec::qmsg_key("a.b.high", 0x0102030405060708ull)).value();
  EXPECT_EQ(parts.queue, "a.b.high");
  EXPECT_EQ(parts.id, 0x0102030405060708ull);
  EXPECT_LT(queues_codec::qmsg_key("q", 255), queues_codec::qmsg_key("q", 256));  // big-endian sorts by id
}

TEST_F(QueuePersistTest, ModuleNeverCommits) {
  ASSERT_TRUE(qs.declare_queue(qcfg("a.b.high")));
  pub("a.b.high");
  qs.tick();
  EXPECT_EQ(store.commits(), 0u);
  EXPECT_GT(store.staged(), 0u);
}

}  // namespace
}  // namespace eventfabric::core
