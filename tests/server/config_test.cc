// serve --config: parsing (every section, unknown keys, wrong types named by
// JSON pointer, push subscriptions) and applying (idempotent
// re-apply after a restart, conflicts, checks before changes), in memory.
#include "emulator/server/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "emulator/core/clock.h"
#include "emulator/push/manager.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::server {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  // A broker on the shared store, as after a (re)start.
  std::unique_ptr<core::broker> start() {
    auto b = std::make_unique<core::broker>(core::broker_options{.clk = &clock_, .seed = 1, .store = &store_});
    EXPECT_TRUE(b->recover());
    return b;
  }
  core::result<apply_summary> apply(core::broker& b, std::string_view text) {
    auto cfg = parse_config(text);
    if (!cfg) return std::unexpected(cfg.error());
    return apply_config(b, *cfg);
  }
  core::manual_clock clock_;
  store::memory_store store_;
};

constexpr const char* kFull = R"({
  "$comment": "every section",
  "contracts": "contracts",
  "topics": [
    {"name": "workflow.instance.started.v1", "partitions": 3, "retention_ms": 60000},
    {"name": "billing.account.snapshot.v1", "cleanup_policy": "compact", "retention_records": 10, "max_message_bytes": 4096}
  ],
  "exchanges": [{"name": "notify", "type": "topic"}, {"name": "notify.dlx", "type": "fanout"}],
  "queues": [
    {"name": "notify.email.high", "message_ttl_ms": 1000, "max_length": 5, "overflow": "reject-publish",
     "max_priority": 9, "delivery_limit": 2, "dead_letter_exchange": "notify.dlx", "dead_letter_routing_key": "dead"},
    {"name": "notify.email.high.dlq"}
  ],
  "bindings": [
    {"exchange": "notify", "queue": "notify.email.high", "routing_key": "email.#"},
    {"exchange": "notify.dlx", "queue": "notify.email.high.dlq"}
  ],
  "subscriptions": [],
  "faults": []
})";

TEST_F(ConfigTest, ParsesEverySection) {
  auto c = parse_config(kFull, "/etc/ef");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->topics.size(), 2u);
  EXPECT_EQ(c->topics[0].partitions, 3);
  EXPECT_EQ(c->topics[0].retention_ms, 60000);
  EXPECT_EQ(c->topics[1].cleanup, core::cleanup_policy::compact);
  EXPECT_EQ(c->topics[1].retention_records, 10);
  EXPECT_EQ(c->topics[1].max_message_bytes, 4096);
  ASSERT_EQ(c->exchanges.size(), 2u);
  EXPECT_EQ(c->exchanges[0].type, core::exchange_type::topic);
  EXPECT_EQ(c->exchanges[1].type, core::exchange_type::fanout);
  ASSERT_EQ(c->queues.size(), 2u);
  const auto& q = c->queues[0];
  EXPECT_EQ(q.message_ttl_ms, 1000);
  EXPECT_EQ(q.max_length, 5);
  EXPECT_EQ(q.overflow, core::overflow_policy::reject_publish);
  EXPECT_EQ(q.max_priority, 9);
  EXPECT_EQ(q.delivery_limit, 2);
  EXPECT_EQ(q.dead_letter_exchange, "notify.dlx");
  EXPECT_EQ(q.dead_letter_routing_key, "dead");
  ASSERT_EQ(c->bindings.size(), 2u);
  EXPECT_EQ(c->bindings[0], (core::binding{"notify", "notify.email.high", "email.#"}));
  EXPECT_EQ(c->bindings[1].routing_key, "");
  EXPECT_EQ(c->contracts, std::filesystem::path("/etc/ef/contracts"));
  EXPECT_EQ(parse_config(R"({"contracts": "/abs/c"})", "/etc/ef")->contracts, std::filesystem::path("/abs/c"));
  EXPECT_TRUE(parse_config("{}"));
}

TEST_F(ConfigTest, UnknownKeysAreNamed) {
  auto top = parse_config(R"({"topic": []})");
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error().code, core::errc::invalid_argument);
  EXPECT_EQ(top.error().detail("pointer"), "/topic");
  EXPECT_NE(top.error().message.find("unknown key \"topic\""), std::string::npos) << top.error().message;
  EXPECT_NE(top.error().message.find("topics"), std::string::npos) << "lists the known keys";
  auto inner = parse_config(R"({"queues": [{"name": "notify.email.high", "x-max-length": 5}]})");
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().detail("pointer"), "/queues/0/x-max-length");
  EXPECT_NE(inner.error().message.find("unknown key \"x-max-length\""), std::string::npos);
  auto escaped = parse_config(R"({"bindings": [{"exchange": "a", "queue": "b", "a/b~c": 1}]})");
  ASSERT_FALSE(escaped);
  EXPECT_EQ(escaped.error().detail("pointer"), "/bindings/0/a~1b~0c");
}

TEST_F(ConfigTest, WrongTypesAreNamedByJsonPointer) {
  struct bad_case {
    const char* doc;
    const char* pointer;
  };
  const bad_case cases[] = {
      {R"([])", ""},
      {R"({"topics": {}})", "/topics"},
      {R"({"topics": [1]})", "/topics/0"},
      {R"({"topics": [{"partitions": 3}]})", "/topics/0/name"},
      {R"({"topics": [{"name": ""}]})", "/topics/0/name"},
      {R"({"topics": [{"name": "a.b.c.v1"}, {"name": "a.b.d.v1", "partitions": "3"}]})", "/topics/1/partitions"},
      {R"({"topics": [{"name": "a.b.c.v1", "partitions": 0}]})", "/topics/0/partitions"},
      {R"({"topics": [{"name": "a.b.c.v1", "cleanup_policy": "forever"}]})", "/topics/0/cleanup_policy"},
      {R"({"topics": [{"name": "a.b.c.v1", "retention_ms": 1.5}]})", "/topics/0/retention_ms"},
      {R"({"queues": [{"name": "a.b.high", "overflow": "drop"}]})", "/queues/0/overflow"},
      {R"({"queues": [{"name": "a.b.high", "max_priority": 256}]})", "/queues/0/max_priority"},
      {R"({"queues": [{"name": "a.b.high", "dead_letter_routing_key": 7}]})", "/queues/0/dead_letter_routing_key"},
      {R"({"exchanges": [{"name": "x", "type": "headers"}]})", "/exchanges/0/type"},
      {R"({"exchanges": [{"name": "x"}]})", "/exchanges/0/type"},
      {R"({"bindings": [{"exchange": "x"}]})", "/bindings/0/queue"},
      {R"({"bindings": [{"exchange": "x", "queue": "q", "routing_key": false}]})", "/bindings/0/routing_key"},
      {R"({"contracts": 5})", "/contracts"},
  };
  for (const auto& c : cases) {
    auto r = parse_config(c.doc);
    ASSERT_FALSE(r) << c.doc;
    EXPECT_EQ(r.error().code, core::errc::invalid_argument) << c.doc;
    EXPECT_EQ(r.error().detail("pointer"), c.pointer) << c.doc << ": " << r.error().message;
    EXPECT_EQ(r.error().message.rfind(std::string(*c.pointer ? c.pointer : "/") + ": ", 0), 0u) << r.error().message;
  }
  auto syntax = parse_config(R"({"topics": [)");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(syntax.error().detail("position").empty());
}

TEST_F(ConfigTest, SubscriptionsParseAndBadOnesNameTheirField) {
  auto ok = parse_config(R"({"subscriptions": [
      {"name": "wf", "topic": "workflow.instance.started.v1", "url": "http://127.0.0.1:9000/wf", "max_attempts": 3},
      {"name": "mail", "queue": "notify.email.high", "url": "http://127.0.0.1:9000/mail", "blocking": false}]})");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->subscriptions.size(), 2u);
  EXPECT_EQ(ok->subscriptions[0].group, "wf") << "the group defaults to the name";
  EXPECT_EQ(ok->subscriptions[0].options.retry.max_attempts, 3);
  EXPECT_EQ(ok->subscriptions[1].kind, delivery::source_kind::queue);
  EXPECT_FALSE(ok->subscriptions[1].options.blocking);
  EXPECT_TRUE(parse_config(R"({"subscriptions": [], "faults": {}})"));

  struct bad_case {
    const char* text;
    const char* pointer;
  };
  const bad_case cases[] = {
      {R"({"subscriptions": [{"topic": "a.b.c.v1"}]})", "/subscriptions/0/name"},
      {R"({"subscriptions": [{"name": "a", "topic": "a.b.c.v1", "url": "https://x"}]})", "/subscriptions/0/url"},
      {R"({"subscriptions": [{"name": "a", "topic": "a.b.c.v1", "queue": "q", "url": "http://x"}]})",
       "/subscriptions/0/queue"},
      {R"({"subscriptions": [{"name": "a", "topic": "a.b.c.v1", "url": "http://x", "retries": 3}]})",
       "/subscriptions/0/retries"},
      {R"({"subscriptions": [{"name": "a", "queue": "q", "url": "http://x", "jitter": "some"}]})",
       "/subscriptions/0/jitter"},
      {R"({"subscriptions": [{"name": "a", "queue": "q", "url": "http://x"}, {"name": "a", "queue": "r", "url": "http://x"}]})",
       "/subscriptions/1"},
      {R"({"subscriptions": {"name": "a"}})", "/subscriptions"},
  };
  for (const auto& c : cases) {
    auto r = parse_config(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().detail("pointer"), c.pointer) << c.text << " -> " << r.error().message;
  }
}

TEST_F(ConfigTest, SubscriptionsApplyIdempotentlyAfterTheirSources) {
  auto b = start();
  push::manager subs(*b, &store_, nullptr, 1);
  auto cfg = parse_config(R"({
    "topics": [{"name": "workflow.instance.started.v1", "partitions": 2}],
    "subscriptions": [{"name": "wf", "topic": "workflow.instance.started.v1", "url": "http://127.0.0.1:9000/wf"}]})");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_TRUE(apply_config(*b, *cfg));
  auto sum = apply_subscriptions(subs, *cfg);
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->created, 1u);
  ASSERT_NE(subs.find("wf"), nullptr);
  auto again = apply_subscriptions(subs, *cfg);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->unchanged, 1u);
  // The group joined and committed its starting offsets.
  EXPECT_EQ(b->groups().committed("wf", "workflow.instance.started.v1", 0).value(), 0);

  auto other = parse_config(R"({"subscriptions": [{"name": "wf", "topic": "workflow.instance.started.v1",
                                                   "url": "http://127.0.0.1:9000/elsewhere"}]})");
  ASSERT_TRUE(other);
  auto conflict = apply_subscriptions(subs, *other);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, core::errc::already_exists);
  EXPECT_EQ(conflict.error().detail("pointer"), "/subscriptions/0");
  auto missing = parse_config(R"({"subscriptions": [{"name": "q", "queue": "no.such.queue", "url": "http://x"}]})");
  ASSERT_TRUE(missing);
  auto gone = apply_subscriptions(subs, *missing);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, core::errc::not_found);
  EXPECT_EQ(gone.error().detail("pointer"), "/subscriptions/0/queue");
}

TEST_F(ConfigTest, FaultRulesParseWithTheirSeedAndBadOnesNameTheirPointer) {
  auto ok = parse_config(
      R"({"faults": {"seed": 9, "rules": [{"kind": "produce_error", "topic": "*", "positions": [3], "after_append": true}]}})");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_TRUE(ok->faults.has_value());
  EXPECT_EQ(ok->faults->seed, std::optional<uint64_t>(9));
  ASSERT_EQ(ok->faults->rules.size(), 1u);
  EXPECT_TRUE(ok->faults->rules[0].after_append);
  auto bare = parse_config(R"({"faults": [{"kind": "duplicate", "queue": "notify.email.high", "probability": 0.5}]})");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_FALSE(bare->faults->seed.has_value());
  auto bad = parse_config(R"({"faults": {"rules": [{"kind": "fail", "topic": "*", "probability": 2}]}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().detail("pointer"), "/faults/rules/0/probability");
  EXPECT_TRUE(bad.error().message.starts_with("/faults/rules/0/probability: ")) << bad.error().message;
}

TEST_F(ConfigTest, AppliesEverySectionThenReappliesIdempotentlyAfterRestart) {
  {
    auto b = start();
    auto sum = apply(*b, kFull);
    ASSERT_TRUE(sum) << sum.error().message;
    EXPECT_EQ(sum->created, 8u);  // 2 topics + 2 exchanges + 2 queues + 2 bindings
    EXPECT_EQ(sum->unchanged, 0u);
    ASSERT_TRUE(b->sync());
  }
  auto b = start();
  EXPECT_EQ(b->topics().partition_count("workflow.instance.started.v1"), 3);
  EXPECT_EQ(b->topics().describe("billing.account.snapshot.v1")->config.cleanup, core::cleanup_policy::compact);
  EXPECT_EQ(b->queues().queue_info("notify.email.high")->max_priority, 9);
  EXPECT_EQ(b->queues().list_bindings().size(), 2u);
  auto again = apply(*b, kFull);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->unchanged, 8u);
  // And the topology works: publish through the topic exchange, dead-letter through the DLX.
  core::publish_request pub;
  pub.exchange = "notify";
  pub.routing_key = "email.welcome";
  pub.body = "{}";
  auto routed = b->queues().publish(pub);
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->queues, std::vector<std::string>{"notify.email.high"});
  auto got = b->queues().receive("notify.email.high", "t", 1, 0);
  ASSERT_TRUE(got && got->size() == 1);
  ASSERT_TRUE(b->queues().reject("notify.email.high", (*got)[0].delivery_tag));
  EXPECT_EQ(b->queues().stats("notify.email.high.dlq")->ready, 1u);
}

TEST_F(ConfigTest, ConflictsAreClearAndChangeNothing) {
  auto b = start();
  ASSERT_TRUE(apply(*b, R"({"topics": [{"name": "workflow.instance.started.v1", "partitions": 3}]})"));
  auto grown = apply(*b, R"({"queues": [{"name": "notify.email.low"}],
                             "topics": [{"name": "workflow.instance.started.v1", "partitions": 6}]})");
  ASSERT_FALSE(grown);
  EXPECT_EQ(grown.error().code, core::errc::already_exists);
  EXPECT_EQ(grown.error().detail("pointer"), "/topics/0");
  EXPECT_NE(grown.error().message.find("already exists with 3 partitions; the config declares 6"), std::string::npos)
      << grown.error().message;
  EXPECT_FALSE(b->queues().queue_info("notify.email.low")) << "checked before anything changed";

  auto retention = apply(*b, R"({"topics": [{"name": "workflow.instance.started.v1", "partitions": 3, "retention_ms": 5}]})");
  ASSERT_FALSE(retention);
  EXPECT_NE(retention.error().message.find("retention_ms -1"), std::string::npos) << retention.error().message;

  ASSERT_TRUE(apply(*b, R"({"exchanges": [{"name": "notify", "type": "topic"}], "queues": [{"name": "notify.email.high", "max_length": 5}]})"));
  auto ex = apply(*b, R"({"exchanges": [{"name": "notify", "type": "fanout"}]})");
  ASSERT_FALSE(ex);
  EXPECT_EQ(ex.error().code, core::errc::already_exists);
  EXPECT_NE(ex.error().message.find("type topic; the config declares fanout"), std::string::npos) << ex.error().message;
  auto q = apply(*b, R"({"queues": [{"name": "notify.email.high", "max_length": 6}]})");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().detail("pointer"), "/queues/0");
  EXPECT_NE(q.error().message.find("max_length 5"), std::string::npos) << q.error().message;
}

TEST_F(ConfigTest, InvalidEntriesAreRefusedBeforeAnythingChanges) {
  auto b = start();
  struct bad_case {
    const char* doc;
    const char* pointer;
    core::errc code;
  };
  const bad_case cases[] = {
      {R"({"queues": [{"name": "notify.email.high"}], "topics": [{"name": "NotAPlatformName"}]})", "/topics/0/name",
       core::errc::invalid_name},
      {R"({"queues": [{"name": "notify.email.high"}, {"name": "email"}]})", "/queues/1/name", core::errc::invalid_name},
      {R"({"queues": [{"name": "notify.email.high"}, {"name": "notify.email.high", "max_length": 1}]})", "/queues/1",
       core::errc::invalid_argument},
      {R"({"queues": [{"name": "notify.email.high"}], "bindings": [{"exchange": "nope", "queue": "notify.email.high"}]})",
       "/bindings/0/exchange", core::errc::not_found},
      {R"({"exchanges": [{"name": "x", "type": "direct"}], "bindings": [{"exchange": "x", "queue": "a.b.high"}]})",
       "/bindings/0/queue", core::errc::not_found},
      {R"({"queues": [{"name": "notify.email.high"}], "bindings": [{"exchange": "", "queue": "notify.email.high"}]})",
       "/bindings/0/exchange", core::errc::invalid_argument},
      {R"({"queues": [{"name": "notify.email.high"}], "exchanges": [{"name": "amq.mine", "type": "topic"}]})",
       "/exchanges/0/name", core::errc::invalid_name},
  };
  for (const auto& c : cases) {
    auto r = apply(*b, c.doc);
    ASSERT_FALSE(r) << c.doc;
    EXPECT_EQ(r.error().code, c.code) << c.doc << ": " << r.error().message;
    EXPECT_EQ(r.error().detail("pointer"), c.pointer) << c.doc << ": " << r.error().message;
  }
  EXPECT_TRUE(b->queues().list_queues().empty());
  EXPECT_TRUE(b->topics().list().empty());
}

// The documented example must keep loading: parse it, apply it twice.
TEST_F(ConfigTest, TheExampleFileLoadsAndApplies) {
  const std::filesystem::path file = std::filesystem::path(EF_SOURCE_DIR) / "examples" / "eventfabric.config.json";
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  std::stringstream text;
  text << in.rdbuf();
  auto cfg = parse_config(text.str(), file.parent_path());
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_TRUE(cfg->contracts);
  EXPECT_TRUE(std::filesystem::is_directory(*cfg->contracts)) << *cfg->contracts;
  EXPECT_FALSE(cfg->topics.empty());
  EXPECT_FALSE(cfg->queues.empty());
  auto b = start();
  auto sum = apply_config(*b, *cfg);
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->unchanged, 0u);
  auto again = apply_config(*b, *cfg);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->created, 0u);
  ASSERT_FALSE(cfg->subscriptions.empty());
  push::manager subs(*b, &store_, nullptr, 1);
  auto created = apply_subscriptions(subs, *cfg);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->created, cfg->subscriptions.size());
  // Its dead-letter wiring works: a rejected message reaches the .dlq queue.
  for (const auto& [exchange, key, queue] : {std::tuple{"notify", "email.high", "notify.email.high"},
                                             std::tuple{"notify", "sms.otp", "notify.sms.high"},
                                             std::tuple{"billing", "refund", "billing.refund.normal"}}) {
    core::publish_request pub;
    pub.exchange = exchange;
    pub.routing_key = key;
    pub.body = "{}";
    auto routed = b->queues().publish(pub);
    ASSERT_TRUE(routed) << routed.error().message;
    ASSERT_EQ(routed->queues, std::vector<std::string>{queue});
    auto got = b->queues().receive(queue, "t", 1, 0);
    ASSERT_TRUE(got && got->size() == 1) << queue;
    ASSERT_TRUE(b->queues().reject(queue, (*got)[0].delivery_tag));
    EXPECT_EQ(b->queues().stats(std::string(queue) + ".dlq")->ready, 1u) << queue;
  }
}

}  // namespace
}  // namespace eventfabric::server
