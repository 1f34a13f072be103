// Rule JSON: the accepted format, and errors naming the JSON pointer.
#include <gtest/gtest.h>

#include "emulator/faults/rule.h"

namespace eventfabric::faults {
namespace {

std::string pointer_of(std::string_view text) {
  auto c = config_from_json(text);
  EXPECT_FALSE(c) << text;
  if (c) return "<accepted>";
  EXPECT_EQ(c.error().code, core::errc::invalid_argument);
  return std::string(c.error().detail("pointer"));
}

TEST(RuleJson, ParsesEveryKindAndTarget) {
  auto c = config_from_json(R"({"seed": 42, "rules": [
    {"id": "d", "kind": "duplicate", "topic": "orders.order.created.v1", "probability": 0.1},
    {"kind": "reorder", "topic": "*", "probability": 0.2, "window": 3, "allow_same_key": true},
    {"kind": "fail", "subscription": "ledger", "positions": [5, 1, 2, 2]},
    {"kind": "timeout", "consumer": "c1", "probability": 1},
    {"kind": "lost_ack", "queue": "notify.email.high", "probability": 0},
    {"kind": "crash", "consumer": "*", "positions": [7]},
    {"kind": "rebalance", "topic": "a.b.c.v1", "positions": [3]},
    {"kind": "produce_error", "topic": "*", "positions": [3], "after_append": true},
    {"kind": "commit_error", "subscription": "s", "probability": 0.5},
    {"kind": "delay", "queue": "q", "probability": 0.5, "delay_ms": 250}]})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->seed, 42u);
  ASSERT_EQ(c->rules.size(), 10u);
  EXPECT_EQ(c->rules[0].id, "d");
  EXPECT_EQ(c->rules[0].kind, fault_kind::duplicate);
  EXPECT_EQ(c->rules[0].on, target_type::topic);
  EXPECT_EQ(c->rules[0].name, "orders.order.created.v1");
  EXPECT_EQ(c->rules[1].window, 3);
  EXPECT_TRUE(c->rules[1].allow_same_key);
  EXPECT_EQ(c->rules[2].positions, (std::vector<int64_t>{1, 2, 5}));
  EXPECT_EQ(c->rules[2].on, target_type::subscription);
  EXPECT_TRUE(c->rules[7].after_append);
  EXPECT_EQ(c->rules[9].delay_ms, 250);
}

TEST(RuleJson, BareArrayIsAccepted) {
  auto c = config_from_json(R"([{"kind": "fail", "queue": "q", "probability": 0.5}])");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->seed);
  EXPECT_EQ(c->rules.size(), 1u);
}

TEST(RuleJson, RoundTrips) {
  auto c = config_from_json(R"({"seed": 7, "rules": [
    {"id": "x", "kind": "reorder", "topic": "*", "probability": 0.25, "window": 4},
    {"kind": "delay", "consumer": "c", "positions": [2, 9], "delay_ms": 10},
    {"kind": "produce_error", "queue": "q", "probability": 1, "after_append": true}]})");
  ASSERT_TRUE(c);
  auto again = config_from_json(to_json(*c));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->seed, c->seed);
  EXPECT_EQ(again->rules, c->rules);
}

TEST(RuleJson, ErrorsNameThePointer) {
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "explode", "topic": "t", "probability": 1}]})"), "/rules/0/kind");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1.5}]})"),
            "/rules/0/probability");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": -0.1}]})"),
            "/rules/0/probability");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1},
                                     {"kind": "reorder", "topic": "t", "probability": 1, "window": -1}]})"),
            "/rules/1/window");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1, "bogus": 1}]})"),
            "/rules/0/bogus");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1, "a/b~": 1}]})"),
            "/rules/0/a~1b~0");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1, "window": 2}]})"),
            "/rules/0/window");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "positions": [1, 0]}]})"),
            "/rules/0/positions/1");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "probability": 1}]})"), "/rules/0");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t"}]})"), "/rules/0");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "queue": "q", "probability": 1}]})").substr(0, 9),
            "/rules/0/");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "fail", "topic": "t", "probability": 1, "positions": [1]}]})"),
            "/rules/0");
  EXPECT_EQ(pointer_of(R"({"rules": [{"topic": "t", "probability": 1}]})"), "/rules/0");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "produce_error", "consumer": "c", "probability": 1}]})"),
            "/rules/0/kind");
  EXPECT_EQ(pointer_of(R"({"rules": [{"kind": "delay", "topic": "t", "probability": 1, "delay_ms": -5}]})"),
            "/rules/0/delay_ms");
  EXPECT_EQ(pointer_of(R"({"seed": -1})"), "/seed");
  EXPECT_EQ(pointer_of(R"({"rulez": []})"), "/rulez");
  EXPECT_EQ(pointer_of(R"({"rules": {}})"), "/rules");
  EXPECT_EQ(pointer_of(R"({"rules": [1]})"), "/rules/0");
  EXPECT_EQ(pointer_of("not json"), "");
  EXPECT_EQ(pointer_of("42"), "");
}

TEST(RuleJson, MessageQuotesThePointer) {
  auto c = config_from_json(R"({"rules": [{"kind": "explode", "topic": "t", "probability": 1}]})");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("/rules/0/kind"), std::string::npos);
  EXPECT_NE(c.error().message.find("explode"), std::string::npos);
}

TEST(Rule, ValidateAndMatch) {
  rule r{.kind = fault_kind::fail, .on = target_type::queue, .name = "*", .probability = 0.5};
  EXPECT_TRUE(validate(r));
  EXPECT_TRUE(matches(r, {target_type::queue, "anything"}));
  EXPECT_FALSE(matches(r, {target_type::topic, "anything"}));
  r.name = "q";
  EXPECT_TRUE(matches(r, {target_type::queue, "q"}));
  EXPECT_FALSE(matches(r, {target_type::queue, "p"}));
  r.positions = {3};
  EXPECT_FALSE(validate(r));  // both probability and positions
  r.probability.reset();
  EXPECT_TRUE(validate(r));
  r.window = 0;
  EXPECT_FALSE(validate(r));
}

}  // namespace
}  // namespace eventfabric::faults
