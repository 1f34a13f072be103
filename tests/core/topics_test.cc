#include "emulator/core/topics.h"

#include <gtest/gtest.h>

#include "emulator/core/partitioner.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::core {
namespace {

record rec(std::optional<std::string> key, std::string value, int64_t ts = 0) {
  record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp_ms = ts;
  return r;
}

std::vector<produce_record> batch_of(std::vector<record> rs) {
  std::vector<produce_record> out;
  for (auto& r : rs) out.push_back({std::nullopt, std::move(r)});
  return out;
}

class TopicsTest : public ::testing::Test {
 protected:
  manual_clock clock_;
  core::topics topics_{clock_, nullptr, true};
  topic_config cfg(std::string name = "orders.order.placed.v1", int32_t partitions = 3) {
    topic_config c;
    c.name = std::move(name);
    c.partitions = partitions;
    return c;
  }
};

TEST_F(TopicsTest, CreateIsIdempotentButConflictsOnDifferentConfig) {
  ASSERT_TRUE(topics_.create(cfg()));
  EXPECT_TRUE(topics_.create(cfg()));
  auto again = topics_.create(cfg("orders.order.placed.v1", 5));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::already_exists);
  EXPECT_EQ(topics_.list(), std::vector<std::string>{"orders.order.placed.v1"});
}

TEST_F(TopicsTest, CreateValidatesNameAndPartitions) {
  EXPECT_EQ(topics_.create(cfg("orders")).error().code, errc::invalid_name);
  EXPECT_EQ(topics_.create(cfg("orders.order.placed.v1", 0)).error().code, errc::invalid_argument);
  EXPECT_EQ(topics_.create(cfg("orders.order.placed.v1", 5000)).error().code, errc::invalid_argument);
  auto c = cfg();
  c.retention_ms = 0;
  EXPECT_EQ(topics_.create(c).error().code, errc::invalid_argument);
  core::topics relaxed(clock_, nullptr, false);
  EXPECT_TRUE(relaxed.create(cfg("orders")));
}

TEST_F(TopicsTest, KeyedRecordsUseKafkaPartitioner) {
  ASSERT_TRUE(topics_.create(cfg("orders.order.placed.v1", 12)));
  auto out = topics_.produce("orders.order.placed.v1", batch_of({rec("21", "a"), rec("foobar", "b"), rec("abc", "c")}));
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)[0].partition, to_positive(-973932308) % 12);
  EXPECT_EQ((*out)[1].partition, to_positive(-790332482) % 12);
  EXPECT_EQ((*out)[2].partition, to_positive(479470107) % 12);
}

TEST_F(TopicsTest, NullKeysRoundRobinAndExplicitPartitionWins) {
  ASSERT_TRUE(topics_.create(cfg()));
  auto out = topics_.produce("orders.order.placed.v1",
                             batch_of({rec({}, "a"), rec({}, "b"), rec({}, "c"), rec({}, "d")}));
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)[0].partition, 0);
  EXPECT_EQ((*out)[1].partition, 1);
  EXPECT_EQ((*out)[2].partition, 2);
  EXPECT_EQ((*out)[3].partition, 0);
  std::vector<produce_record> forced;
  forced.push_back({2, rec("21", "x")});
  auto f = topics_.produce("orders.order.placed.v1", std::move(forced));
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)[0].partition, 2);
}

TEST_F(TopicsTest, OffsetsAreContiguousPerPartitionFromZero) {
  ASSERT_TRUE(topics_.create(cfg("orders.order.placed.v1", 2)));
  for (int i = 0; i < 10; ++i) {
    std::vector<produce_record> b;
    b.push_back({i % 2, rec({}, std::to_string(i))});
    auto out = topics_.produce("orders.order.placed.v1", std::move(b));
    ASSERT_TRUE(out);
    EXPECT_EQ((*out)[0].offset, i / 2);
  }
  auto recs = topics_.fetch("orders.order.placed.v1", 1, 0);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*recs)[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ((*recs)[i].value, std::to_string(i * 2 + 1));
  }
  EXPECT_EQ(topics_.partition("orders.order.placed.v1", 1)->high_watermark, 5);
}

TEST_F(TopicsTest, BatchIsAllOrNothing) {
  ASSERT_TRUE(topics_.create(cfg()));
  std::vector<produce_record> b;
  b.push_back({0, rec({}, "ok")});
  b.push_back({7, rec({}, "bad partition")});
  auto out = topics_.produce("orders.order.placed.v1", std::move(b));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, errc::not_found);
  EXPECT_EQ(topics_.partition("orders.order.placed.v1", 0)->high_watermark, 0);
}

TEST_F(TopicsTest, OversizedRecordIsTooLarge) {
  auto c = cfg();
  c.max_message_bytes = 100;
  ASSERT_TRUE(topics_.create(c));
  auto out = topics_.produce(c.name, batch_of({rec({}, std::string(200, 'x'))}));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, errc::too_large);
}

TEST_F(TopicsTest, FetchHonoursCountAndByteLimitsButAlwaysReturnsOne) {
  ASSERT_TRUE(topics_.create(cfg("orders.order.placed.v1", 1)));
  std::vector<record> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(rec({}, std::string(100, 'a' + i)));
  ASSERT_TRUE(topics_.produce("orders.order.placed.v1", batch_of(std::move(rs))));
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, 0, {3, 1 << 20})->size(), 3u);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, 0, {100, 300})->size(), 2u);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, 4, {100, 1})->size(), 1u);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, 10)->size(), 0u);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, 11).error().code, errc::offset_out_of_range);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 0, -1).error().code, errc::offset_out_of_range);
  EXPECT_EQ(topics_.fetch("orders.order.placed.v1", 1, 0).error().code, errc::not_found);
  EXPECT_EQ(topics_.fetch("nope.nope.nope.v1", 0, 0).error().code, errc::not_found);
}

TEST_F(TopicsTest, RetentionByCountAdvancesLogStart) {
  auto c = cfg("orders.order.placed.v1", 1);
  c.retention_records = 3;
  ASSERT_TRUE(topics_.create(c));
  std::vector<record> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(rec({}, std::to_string(i)));
  ASSERT_TRUE(topics_.produce(c.name, batch_of(std::move(rs))));
  topics_.tick();
  auto p = topics_.partition(c.name, 0);
  EXPECT_EQ(p->log_start, 7);
  EXPECT_EQ(p->high_watermark, 10);
  EXPECT_EQ(topics_.fetch(c.name, 0, 6).error().code, errc::offset_out_of_range);
  EXPECT_EQ(topics_.fetch(c.name, 0, 7)->front().value, "7");
}

TEST_F(TopicsTest, RetentionByAgeFollowsTheInjectedClock) {
  auto c = cfg("orders.order.placed.v1", 1);
  c.retention_ms = 1000;
  ASSERT_TRUE(topics_.create(c));
  ASSERT_TRUE(topics_.produce(c.name, batch_of({rec({}, "old")})));
  clock_.advance(600);
  ASSERT_TRUE(topics_.produce(c.name, batch_of({rec({}, "new")})));
  topics_.tick();
  EXPECT_EQ(topics_.partition(c.name, 0)->log_start, 0);
  clock_.advance(500);  // "old" is 1100 ms old, "new" 500 ms
  topics_.tick();
  EXPECT_EQ(topics_.partition(c.name, 0)->log_start, 1);
  clock_.advance(600);
  topics_.tick();
  auto p = topics_.partition(c.name, 0);
  EXPECT_EQ(p->log_start, 2);
  EXPECT_EQ(p->high_watermark, 2);
  EXPECT_EQ(p->records, 0u);
  EXPECT_TRUE(topics_.fetch(c.name, 0, 2)->empty());
}

TEST_F(TopicsTest, CompactionKeepsLatestPerKeyAndLeavesOffsetGaps) {
  auto c = cfg("accounts.account.state.v1", 1);
  c.cleanup = cleanup_policy::compact;
  ASSERT_TRUE(topics_.create(c));
  EXPECT_EQ(topics_.produce(c.name, batch_of({rec({}, "no key")})).error().code, errc::invalid_argument);
  ASSERT_TRUE(topics_.produce(c.name, batch_of({rec("a", "a1"), rec("b", "b1"), rec("a", "a2"), rec("c", "c1"),
                                                rec("b", "b2")})));
  EXPECT_EQ(*topics_.compact_now(c.name), 2u);
  auto recs = topics_.fetch(c.name, 0, 0);
  ASSERT_EQ(recs->size(), 3u);
  EXPECT_EQ((*recs)[0].offset, 2);
  EXPECT_EQ((*recs)[0].value, "a2");
  EXPECT_EQ((*recs)[1].offset, 3);
  EXPECT_EQ((*recs)[2].offset, 4);
  EXPECT_EQ(topics_.partition(c.name, 0)->log_start, 0);
  EXPECT_EQ(topics_.fetch(c.name, 0, 1)->front().offset, 2);
  EXPECT_EQ(topics_.compact_now("orders.order.placed.v1").error().code, errc::not_found);
}

TEST_F(TopicsTest, AddPartitionsOnlyGrows) {
  ASSERT_TRUE(topics_.create(cfg()));
  EXPECT_TRUE(topics_.add_partitions("orders.order.placed.v1", 5));
  EXPECT_EQ(*topics_.partition_count("orders.order.placed.v1"), 5);
  EXPECT_EQ(topics_.add_partitions("orders.order.placed.v1", 2).error().code, errc::invalid_argument);
}

TEST_F(TopicsTest, RemoveForgetsTheTopic) {
  ASSERT_TRUE(topics_.create(cfg()));
  EXPECT_TRUE(topics_.remove("orders.order.placed.v1"));
  EXPECT_FALSE(topics_.exists("orders.order.placed.v1"));
  EXPECT_EQ(topics_.remove("orders.order.placed.v1").error().code, errc::not_found);
}

// Loads a store into a fresh `topics` (what broker::recover does for topics).
class topic_loader final : public storage_loader {
 public:
  explicit topic_loader(core::topics& t) : t_(t) {}
  void on_value(std::string_view s, std::string_view k, std::string_view v) override { ASSERT_TRUE(t_.restore(s, k, v)); }
  void on_record(std::string_view topic, int32_t p, record&& r) override {
    ASSERT_TRUE(t_.restore_record(topic, p, std::move(r)));
  }
  core::topics& t_;
};

TEST(TopicsPersistence, RecordsRetentionAndCompactionSurviveReload) {
  manual_clock clock;
  store::memory_store store;
  core::topics before(clock, &store, true);
  topic_config a{"orders.order.placed.v1", 2};
  a.retention_records = 2;
  topic_config b{"accounts.account.state.v1", 1};
  b.cleanup = cleanup_policy::compact;
  ASSERT_TRUE(before.create(a));
  ASSERT_TRUE(before.create(b));
  std::vector<produce_record> rs;
  for (int i = 0; i < 6; ++i) rs.push_back({0, rec("k" + std::to_string(i), "v" + std::to_string(i), 1000 + i)});
  ASSERT_TRUE(before.produce(a.name, std::move(rs)));
  ASSERT_TRUE(before.produce(b.name, batch_of({rec("x", "1"), rec("x", "2"), rec("y", "3")})));
  before.tick();
  ASSERT_TRUE(before.compact_now(b.name));
  ASSERT_TRUE(store.commit());

  core::topics after(clock, &store, true);
  topic_loader loader(after);
  ASSERT_TRUE(store.load(loader));
  after.finish_restore();
  EXPECT_EQ(after.list(), before.list());
  for (const auto& name : before.list()) {
    auto d1 = before.describe(name), d2 = after.describe(name);
    EXPECT_EQ(d1->config, d2->config);
    for (std::size_t p = 0; p < d1->partitions.size(); ++p) {
      EXPECT_EQ(d1->partitions[p].log_start, d2->partitions[p].log_start) << name << p;
      EXPECT_EQ(d1->partitions[p].high_watermark, d2->partitions[p].high_watermark) << name << p;
      EXPECT_EQ(*before.fetch(name, static_cast<int32_t>(p), d1->partitions[p].log_start),
                *after.fetch(name, static_cast<int32_t>(p), d2->partitions[p].log_start));
    }
  }
  // Appends continue after the restored high watermark.
  auto next = after.produce(a.name, {{0, rec({}, "next")}});
  EXPECT_EQ((*next)[0].offset, 6);
}

TEST(TopicsPersistence, FullyTruncatedPartitionKeepsItsOffsets) {
  manual_clock clock;
  store::memory_store store;
  core::topics before(clock, &store, true);
  topic_config a{"orders.order.placed.v1", 1};
  a.retention_ms = 10;
  ASSERT_TRUE(before.create(a));
  ASSERT_TRUE(before.produce(a.name, batch_of({rec({}, "1"), rec({}, "2")})));
  clock.advance(100);
  before.tick();
  ASSERT_TRUE(store.commit());
  core::topics after(clock, &store, true);
  topic_loader loader(after);
  ASSERT_TRUE(store.load(loader));
  after.finish_restore();
  EXPECT_EQ(after.partition(a.name, 0)->log_start, 2);
  EXPECT_EQ(after.partition(a.name, 0)->high_watermark, 2);
}

}  // namespace
}  // namespace eventfabric::core
