// The DLQ / quarantine persistence of push subscriptions, in process: the
// byte format round trip, and the manager over a broker and a memory store —
// an entry is staged when it is parked (with the offset commit that lets the
// message go, committed together), restored with its subscription, erased
// when released or when the subscription is deleted.
#include "emulator/push/parked_store.h"

#include <gtest/gtest.h>

#include <map>
#include <span>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/push/manager.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::push {
namespace {

using delivery::parking;

const std::string kTopic = "billing.payment.captured.v1";

delivery::parked_message sample() {
  delivery::parked_message p;
  p.id = 12;
  p.msg.kind = delivery::source_kind::topic;
  p.msg.source = kTopic;
  p.msg.partition = 2;
  p.msg.offset = 40;
  p.msg.key = "cus_42";
  p.msg.envelope_id = "evt-1";
  p.msg.type = kTopic;
  p.msg.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  p.msg.body = std::string("{\"id\":\"evt-1\"}\0\xff binary", 24);
  p.msg.source_headers = {{"h1", "v1"}, {"h2", std::string("\0x", 2)}};
  p.reason = delivery::park_reason::permanent_failure;
  p.why = "the consumer answered 422 (permanent failure)";
  p.attempts = 1;
  p.crashes = 0;
  p.last_status = 422;
  p.last_error = {"AMOUNT_INVALID", "amount must be positive", R"({"field":"payload.amount"})"};
  p.response_body = R"({"error":{"code":"AMOUNT_INVALID"}})";
  p.headers = {{"X-Event-Id", "evt-1"}, {"X-Delivery-Attempt", "1"}};
  p.first_failure_ms = 1000;
  p.last_failure_ms = 2000;
  p.parked_ms = 2001;
  return p;
}

TEST(ParkedStore, RoundTripIsExactAndKeysSortById) {
  const auto p = sample();
  const std::string key = parked_key("billing-webhook", parking::quarantine, p.id);
  EXPECT_EQ(key, "billing-webhook/q/00000000000000000012");
  EXPECT_EQ(key.rfind(parked_prefix("billing-webhook"), 0), 0u);
  EXPECT_LT(parked_key("s", parking::dlq, 9), parked_key("s", parking::dlq, 10));
  auto row = decode_parked(key, encode_parked(p));
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->subscription, "billing-webhook");
  EXPECT_EQ(row->where, parking::quarantine);
  EXPECT_EQ(row->entry, p);

  auto q = p;
  q.msg.kind = delivery::source_kind::queue;
  q.msg.key.reset();
  q.msg.queue_id = 77;
  q.msg.source_message_id = "m-1";
  auto qrow = decode_parked(parked_key("s", parking::dlq, 12), encode_parked(q));
  ASSERT_TRUE(qrow);
  EXPECT_EQ(qrow->entry, q);
}

TEST(ParkedStore, CorruptKeysAndValuesAreStorageErrors) {
  const std::string good = encode_parked(sample());
  for (const std::string key : {"nokey", "s/x/1", "s/d/", "s/d/0", "s/d/12a", "/d/1"}) {
    auto r = decode_parked(key, good);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code, core::errc::storage_error);
  }
  const std::string key = parked_key("s", parking::dlq, 12);
  EXPECT_FALSE(decode_parked(key, good.substr(0, good.size() - 1)));
  EXPECT_FALSE(decode_parked(key, good + "x"));
  EXPECT_FALSE(decode_parked(key, std::string(1, '\x02') + good.substr(1)));
  EXPECT_FALSE(decode_parked(key, ""));
}

// Counts the committed values of one space.
struct space_counter final : core::storage_loader {
  std::string space;
  std::map<std::string, std::string> values;
  void on_value(std::string_view s, std::string_view k, std::string_view v) override {
    if (s == space) values.emplace(std::string(k), std::string(v));
  }
  void on_record(std::string_view, int32_t, core::record&&) override {}
};

// A memory store that logs the order of writes ("put ppark", "put offset",
// "commit", ...), so a test can see what a commit holds.
struct logging_store final : core::storage {
  store::memory_store inner;
  std::vector<std::string> log;
  void append(std::string_view t, int32_t p, std::span<const core::record> r) override { inner.append(t, p, r); }
  void erase_records(std::string_view t, int32_t p, std::span<const int64_t> o) override { inner.erase_records(t, p, o); }
  void truncate(std::string_view t, int32_t p, int64_t before) override { inner.truncate(t, p, before); }
  void drop_records(std::string_view t) override { inner.drop_records(t); }
  void put(std::string_view space, std::string_view key, std::string_view value) override {
    log.push_back("put " + std::string(space));
    inner.put(space, key, value);
  }
  void erase(std::string_view space, std::string_view key) override {
    log.push_back("erase " + std::string(space));
    inner.erase(space, key);
  }
  void erase_prefix(std::string_view space, std::string_view prefix) override {
    log.push_back("erase_prefix " + std::string(space));
    inner.erase_prefix(space, prefix);
  }
  core::result<void> commit() override {
    log.push_back("commit");
    return inner.commit();
  }
  void rollback() override { inner.rollback(); }
  core::result<void> load(core::storage_loader& out) override { return inner.load(out); }
};

std::map<std::string, std::string> committed(logging_store& st, std::string_view space) {
  space_counter c;
  c.space = std::string(space);
  EXPECT_TRUE(st.load(c));
  return c.values;
}

// One "server run": a broker and a manager over the same store.
struct run {
  explicit run(logging_store& st) : b({.clk = &clk, .seed = 1, .store = &st}), m(b, &st, nullptr, 1) {
    b.attach(m);
    EXPECT_TRUE(b.recover());
  }
  core::manual_clock clk{1'000'000};
  core::broker b;
  manager m;
};

TEST(ParkedStore, EntriesAreCommittedWithTheOffsetCommitAndRestoredWithTheirSubscription) {
  logging_store st;
  delivery::parked_message parked;
  {
    run r(st);
    ASSERT_TRUE(r.b.topics().create({.name = kTopic, .partitions = 1}));
    auto def = parse_definition(R"({"name":"hook","topic":")" + kTopic +
                                R"(","start":"earliest","url":"http://127.0.0.1:9/x"})");
    ASSERT_TRUE(def);
    ASSERT_TRUE(r.m.create(*def));
    std::vector<core::produce_record> batch(1);
    batch[0].rec.key = "cus_42";
    batch[0].rec.value = R"({"id":"evt-1","type":"billing.payment.captured.v1"})";
    batch[0].rec.headers = {{"origin", "test"}};
    ASSERT_TRUE(r.b.topics().produce(kTopic, std::move(batch)));
    ASSERT_TRUE(r.b.sync());

    live& l = *r.m.find("hook");
    ASSERT_EQ(l.src->fill(l.sub, 10), 1u);
    auto d = l.sub.next();
    ASSERT_TRUE(d);
    st.log.clear();
    ASSERT_TRUE(l.sub.complete(d->id, delivery::outcome::permanent(422, R"({"error":{"code":"NOPE","message":"m"}})")));
    EXPECT_EQ(r.b.groups().committed("hook", kTopic, 0).value(), 1) << "parked: the source let it go";
    ASSERT_TRUE(r.b.sync());
    // The entry is staged before the offset commit that releases the message,
    // and both go in one commit.
    EXPECT_EQ(st.log, (std::vector<std::string>{"put ppark", "put offset", "commit"}));
    EXPECT_EQ(committed(st, kParkedSpace).size(), 1u);
    parked = l.sub.list(parking::dlq).at(0);
    EXPECT_EQ(parked.msg.source_headers, (std::vector<core::header>{{"origin", "test"}}));
  }
  {
    run r(st);
    live* l = r.m.find("hook");
    ASSERT_NE(l, nullptr);
    auto dlq = l->sub.list(parking::dlq);
    ASSERT_EQ(dlq.size(), 1u);
    EXPECT_EQ(dlq[0], parked) << "the whole error context survives";
    EXPECT_EQ(dlq[0].last_error.code, "NOPE");
    // Purge releases it.
    EXPECT_EQ(l->sub.purge(parking::dlq), 1u);
    ASSERT_TRUE(r.b.sync());
    EXPECT_TRUE(committed(st, kParkedSpace).empty());
    // Park one again, then delete the subscription: its entries go with it.
    ASSERT_TRUE(l->sub.restore_parked(parking::quarantine, parked));
    l->journal.parked(parking::quarantine, parked);
    ASSERT_TRUE(r.b.sync());
    EXPECT_EQ(committed(st, kParkedSpace).size(), 1u);
    ASSERT_TRUE(r.m.remove("hook"));
    ASSERT_TRUE(r.b.sync());
    EXPECT_TRUE(committed(st, kParkedSpace).empty());
  }
  run r(st);
  EXPECT_EQ(r.m.size(), 0u);
}

}  // namespace
}  // namespace eventfabric::push
