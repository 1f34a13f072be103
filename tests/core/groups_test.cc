#include "emulator/core/groups.h"

#include <gtest/gtest.h>

#include "emulator/store/memory_store.h"

namespace eventfabric::core {
namespace {

class GroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_config a{"orders.order.placed.v1", 4};
    topic_config b{"billing.payment.captured.v1", 3};
    ASSERT_TRUE(topics_.create(a));
    ASSERT_TRUE(topics_.create(b));
  }
  join_request req(std::vector<std::string> topics, std::string member = "",
                   assignment_strategy s = assignment_strategy::range) {
    join_request r;
    r.group = "ledger";
    r.member_id = std::move(member);
    r.topics = std::move(topics);
    r.strategy = s;
    r.session_timeout_ms = 10'000;
    return r;
  }
  void produce(const std::string& topic, int32_t partition, int n) {
    std::vector<produce_record> b;
    for (int i = 0; i < n; ++i) b.push_back({partition, record{}});
    ASSERT_TRUE(topics_.produce(topic, std::move(b)));
  }
  manual_clock clock_;
  random rng_{1};
  core::topics topics_{clock_, nullptr, true};
  core::groups groups_{clock_, rng_, nullptr, topics_};
};

TEST_F(GroupsTest, FirstJoinAssignsEverythingAndGenerationOne) {
  auto a = groups_.join(req({"orders.order.placed.v1"}));
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->member_id.empty());
  EXPECT_EQ(a->generation, 1);
  EXPECT_TRUE(a->rebalanced);
  EXPECT_EQ(a->leader, a->member_id);
  EXPECT_EQ(a->partitions.size(), 4u);
}

TEST_F(GroupsTest, SecondMemberTriggersRebalanceOthersLearnByHeartbeat) {
  auto a = *groups_.join(req({"orders.order.placed.v1"}));
  auto b = *groups_.join(req({"orders.order.placed.v1"}));
  EXPECT_EQ(b.generation, 2);
  auto hb = groups_.heartbeat("ledger", a.member_id, a.generation);
  ASSERT_FALSE(hb);
  EXPECT_EQ(hb.error().code, errc::rebalance_in_progress);
  auto a2 = groups_.join(req({"orders.order.placed.v1"}, a.member_id));
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->generation, 2);
  EXPECT_FALSE(a2->rebalanced);  // a re-join with nothing changed does not bump
  EXPECT_EQ(a2->partitions.size() + b.partitions.size(), 4u);
  EXPECT_TRUE(groups_.heartbeat("ledger", a.member_id, 2));
}

TEST_F(GroupsTest, RangeAssignmentMatchesKafka) {
  // Kafka RangeAssignor: 4 partitions over 3 members -> 2,1,1 by sorted member id.
  std::vector<member_subscription> members = {{"c", {"t"}}, {"a", {"t"}}, {"b", {"t"}}};
  auto plan = assign(assignment_strategy::range, members, {{"t", 4}});
  EXPECT_EQ(plan["a"], (std::vector<topic_partition>{{"t", 0}, {"t", 1}}));
  EXPECT_EQ(plan["b"], (std::vector<topic_partition>{{"t", 2}}));
  EXPECT_EQ(plan["c"], (std::vector<topic_partition>{{"t", 3}}));
}

TEST_F(GroupsTest, RoundRobinAssignmentMatchesKafka) {
  // Kafka RoundRobinAssignor over t0(3) and t1(2), two members: deal in turn.
  std::vector<member_subscription> members = {{"m1", {"t0", "t1"}}, {"m2", {"t0", "t1"}}};
  auto plan = assign(assignment_strategy::round_robin, members, {{"t0", 3}, {"t1", 2}});
  EXPECT_EQ(plan["m1"], (std::vector<topic_partition>{{"t0", 0}, {"t0", 2}, {"t1", 1}}));
  EXPECT_EQ(plan["m2"], (std::vector<topic_partition>{{"t0", 1}, {"t1", 0}}));
  // A member not subscribed to a topic is skipped.
  std::vector<member_subscription> mixed = {{"m1", {"t0"}}, {"m2", {"t0", "t1"}}};
  auto p2 = assign(assignment_strategy::round_robin, mixed, {{"t0", 2}, {"t1", 2}});
  EXPECT_EQ(p2["m1"], (std::vector<topic_partition>{{"t0", 0}}));
  EXPECT_EQ(p2["m2"], (std::vector<topic_partition>{{"t0", 1}, {"t1", 0}, {"t1", 1}}));
}

TEST_F(GroupsTest, EveryPartitionAssignedExactlyOnce) {
  for (auto s : {assignment_strategy::range, assignment_strategy::round_robin}) {
    std::vector<member_subscription> members;
    for (int i = 0; i < 5; ++i) members.push_back({"m" + std::to_string(i), {"t0", "t1"}});
    auto plan = assign(s, members, {{"t0", 7}, {"t1", 3}});
    std::map<topic_partition, int> seen;
    for (const auto& [_, tps] : plan)
      for (const auto& tp : tps) ++seen[tp];
    EXPECT_EQ(seen.size(), 10u);
    for (const auto& [_, n] : seen) EXPECT_EQ(n, 1);
  }
}

TEST_F(GroupsTest, LeaveAndSessionTimeoutRebalance) {
  auto a = *groups_.join(req({"orders.order.placed.v1"}));
  auto b = *groups_.join(req({"orders.order.placed.v1"}));
  ASSERT_TRUE(groups_.leave("ledger", b.member_id));
  auto a2 = *groups_.join(req({"orders.order.placed.v1"}, a.member_id));
  EXPECT_EQ(a2.generation, 3);
  EXPECT_EQ(a2.partitions.size(), 4u);
  clock_.advance(9'000);
  ASSERT_TRUE(groups_.heartbeat("ledger", a.member_id, 3));
  clock_.advance(9'000);
  groups_.tick();
  EXPECT_EQ(groups_.describe("ledger")->members.size(), 1u);
  clock_.advance(10'001);
  groups_.tick();
  auto d = groups_.describe("ledger");
  EXPECT_TRUE(d->members.empty());
  EXPECT_EQ(d->state, "Empty");
  EXPECT_EQ(d->generation, 4);
  EXPECT_EQ(groups_.heartbeat("ledger", a.member_id, 4).error().code, errc::unknown_member);
}

TEST_F(GroupsTest, CommitsNeedCurrentGenerationAndAreKeptPerPartition) {
  auto a = *groups_.join(req({"orders.order.placed.v1"}));
  produce("orders.order.placed.v1", 1, 10);
  EXPECT_EQ(groups_.commit("ledger", a.member_id, a.generation + 1, "orders.order.placed.v1", 1, 5).error().code,
            errc::illegal_generation);
  ASSERT_TRUE(groups_.commit("ledger", a.member_id, a.generation, "orders.order.placed.v1", 1, 5));
  EXPECT_EQ(*groups_.committed("ledger", "orders.order.placed.v1", 1), std::optional<int64_t>(5));
  EXPECT_EQ(*groups_.committed("ledger", "orders.order.placed.v1", 0), std::nullopt);
  EXPECT_EQ(groups_.commit("ledger", "ghost", 1, "orders.order.placed.v1", 1, 5).error().code,
            errc::unknown_member);
  EXPECT_EQ(groups_.commit("ledger", a.member_id, 1, "nope.nope.nope.v1", 0, 5).error().code, errc::not_found);
  EXPECT_EQ(groups_.commit("ledger", a.member_id, 1, "orders.order.placed.v1", 9, 5).error().code, errc::not_found);
  EXPECT_EQ(groups_.commit("ledger", a.member_id, 1, "orders.order.placed.v1", 1, -2).error().code,
            errc::invalid_argument);
  // Standalone commits only for groups without members.
  EXPECT_EQ(groups_.commit("ledger", "", -1, "orders.order.placed.v1", 1, 5).error().code, errc::unknown_member);
  EXPECT_TRUE(groups_.commit("audit", "", -1, "orders.order.placed.v1", 1, 3));
}

TEST_F(GroupsTest, PositionUsesCommittedOrResetPolicy) {
  produce("orders.order.placed.v1", 0, 10);
  EXPECT_EQ(*groups_.position("fresh", "orders.order.placed.v1", 0, offset_reset::earliest), 0);
  EXPECT_EQ(*groups_.position("fresh", "orders.order.placed.v1", 0, offset_reset::latest), 10);
  EXPECT_EQ(groups_.position("fresh", "orders.order.placed.v1", 0, offset_reset::none).error().code,
            errc::offset_out_of_range);
  ASSERT_TRUE(groups_.commit("fresh", "", -1, "orders.order.placed.v1", 0, 4));
  EXPECT_EQ(*groups_.position("fresh", "orders.order.placed.v1", 0, offset_reset::latest), 4);
}

TEST_F(GroupsTest, LagIsHighWatermarkMinusCommitted) {
  auto a = *groups_.join(req({"orders.order.placed.v1"}));
  produce("orders.order.placed.v1", 0, 10);
  produce("orders.order.placed.v1", 2, 3);
  ASSERT_TRUE(groups_.commit("ledger", a.member_id, a.generation, "orders.order.placed.v1", 0, 4));
  auto lag = groups_.lag("ledger");
  ASSERT_TRUE(lag);
  ASSERT_EQ(lag->size(), 4u);
  EXPECT_EQ((*lag)[0].lag, 6);
  EXPECT_EQ((*lag)[0].committed, std::optional<int64_t>(4));
  EXPECT_EQ((*lag)[2].lag, 3);
  EXPECT_EQ((*lag)[1].lag, 0);
  EXPECT_EQ(groups_.lag("nope").error().code, errc::not_found);
}

TEST_F(GroupsTest, NewPartitionsRebalanceTheGroup) {
  auto a = *groups_.join(req({"billing.payment.captured.v1"}));
  ASSERT_TRUE(topics_.add_partitions("billing.payment.captured.v1", 5));
  groups_.on_topics_changed();
  auto hb = groups_.heartbeat("ledger", a.member_id, a.generation);
  EXPECT_EQ(hb.error().code, errc::rebalance_in_progress);
  auto a2 = *groups_.join(req({"billing.payment.captured.v1"}, a.member_id));
  EXPECT_EQ(a2.partitions.size(), 5u);
}

TEST_F(GroupsTest, BadRequestsAreErrors) {
  EXPECT_EQ(groups_.join(req({})).error().code, errc::invalid_argument);
  EXPECT_EQ(groups_.join(req({"nope.nope.nope.v1"})).error().code, errc::not_found);
  auto r = req({"orders.order.placed.v1"});
  r.group = "";
  EXPECT_EQ(groups_.join(r).error().code, errc::invalid_name);
  r = req({"orders.order.placed.v1"}, "ghost");
  EXPECT_EQ(groups_.join(r).error().code, errc::unknown_member);
  r = req({"orders.order.placed.v1"});
  r.session_timeout_ms = 1;
  EXPECT_EQ(groups_.join(r).error().code, errc::invalid_argument);
  EXPECT_EQ(groups_.leave("nope", "x").error().code, errc::not_found);
  EXPECT_EQ(groups_.describe("nope").error().code, errc::not_found);
  auto a = *groups_.join(req({"orders.order.placed.v1"}));
  EXPECT_EQ(groups_.join(req({"orders.order.placed.v1"}, "", assignment_strategy::round_robin)).error().code,
            errc::invalid_argument);
  EXPECT_EQ(groups_.remove("ledger").error().code, errc::precondition_failed);
  ASSERT_TRUE(groups_.leave("ledger", a.member_id));
  EXPECT_TRUE(groups_.remove("ledger"));
}

TEST_F(GroupsTest, MemberIdsAreDeterministicFromTheSeed) {
  core::topics t2(clock_, nullptr, true);
  ASSERT_TRUE(t2.create({"orders.order.placed.v1", 4}));
  random r2(1);
  core::groups g2(clock_, r2, nullptr, t2);
  EXPECT_EQ(groups_.join(req({"orders.order.placed.v1"}))->member_id,
            g2.join(req({"orders.order.placed.v1"}))->member_id);
}

class group_loader final : public storage_loader {
 public:
  explicit group_loader(core::groups& g) : g_(g) {}
  void on_value(std::string_view s, std::string_view k, std::string_view v) override {
    if (s == "group" || s == "offset") { ASSERT_TRUE(*g_.restore(s, k, v)); }
  }
  void on_record(std::string_view, int32_t, record&&) override {}
  core::groups& g_;
};

TEST_F(GroupsTest, GroupsAndOffsetsSurviveReload) {
  store::memory_store store;
  core::groups before(clock_, rng_, &store, topics_);
  join_request r = req({"orders.order.placed.v1"});
  auto a = *before.join(r);
  produce("orders.order.placed.v1", 0, 10);
  ASSERT_TRUE(before.commit("ledger", a.member_id, a.generation, "orders.order.placed.v1", 0, 7));
  ASSERT_TRUE(store.commit());
  core::groups after(clock_, rng_, &store, topics_);
  group_loader loader(after);
  ASSERT_TRUE(store.load(loader));
  after.finish_restore();
  EXPECT_EQ(*after.committed("ledger", "orders.order.placed.v1", 0), std::optional<int64_t>(7));
  auto d = after.describe("ledger");
  EXPECT_EQ(d->generation, a.generation);
  ASSERT_EQ(d->members.size(), 1u);
  EXPECT_EQ(d->members[0].assignment.size(), 4u);
  EXPECT_TRUE(after.heartbeat("ledger", a.member_id, a.generation));
  // Without heartbeats the restored member expires.
  clock_.advance(20'000);
  after.tick();
  EXPECT_TRUE(after.describe("ledger")->members.empty());
}

}  // namespace
}  // namespace eventfabric::core
