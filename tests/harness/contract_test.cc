// Contract files: the documented example parses with its defaults; every
// mistake names the file and the JSON pointer.
#include <gtest/gtest.h>

#include "emulator/harness/contract.h"

namespace eventfabric::harness {
namespace {

constexpr const char* kExample = R"({
  "name": "ledger",
  "consumes": [{"topic": "billing.payment.captured.v1", "group": "ledger"}, {"queue": "ledger.refund.normal"}],
  "fixtures": ["../../fixtures/ledger/payments.jsonl"],
  "consumer": {
    "command": ["python3", "examples/ledger/consumer.py", "--port", "{port}", "--data", "{workdir}"],
    "deliver_url": "http://127.0.0.1:{port}/events",
    "state_url": "http://127.0.0.1:{port}/state",
    "reset_url": "http://127.0.0.1:{port}/reset",
    "ready_url": "http://127.0.0.1:{port}/health"
  },
  "state": {"ignore": ["/updated_at"]},
  "produces": ["billing.ledger.entry.posted.v1"],
  "ordering": "per-key",
  "delivery": {"max_attempts": 5},
  "faults": {"duplicate": 0.2, "reorder_window": 3, "fail": 0.1, "lost_ack": 0.1, "crash": 0.02},
  "runs": 50,
  "seed": 1
})";

TEST(Contract, TheDocumentedExampleParses) {
  auto c = parse_contract(kExample, "contracts/consumers/ledger.json");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->name, "ledger");
  ASSERT_EQ(c->consumes.size(), 2u);
  EXPECT_TRUE(c->consumes_topic("billing.payment.captured.v1"));
  EXPECT_TRUE(c->consumes_queue("ledger.refund.normal"));
  ASSERT_EQ(c->fixtures.size(), 1u);
  EXPECT_EQ(c->fixtures[0], std::filesystem::path("fixtures/ledger/payments.jsonl"));  // from the contract's folder
  EXPECT_EQ(c->consumer.command.size(), 6u);
  EXPECT_EQ(c->state_ignore, std::vector<std::string>{"/updated_at"});
  EXPECT_EQ(c->max_attempts, 5);
  EXPECT_DOUBLE_EQ(c->faults.duplicate, 0.2);
  EXPECT_EQ(c->faults.reorder_window, 3);
  EXPECT_DOUBLE_EQ(c->faults.reorder, 0.2);  // a window alone means reorder with 0.2
  EXPECT_EQ(c->runs, 50);
  EXPECT_EQ(c->seed, 1u);
}

TEST(Contract, RulesFollowThePlan) {
  auto c = parse_contract(kExample, "");
  ASSERT_TRUE(c);
  auto with_crash = rules_of(*c, true), without = rules_of(*c, false);
  EXPECT_EQ(with_crash.size(), 5u);  // duplicate, reorder, fail, lost_ack, crash
  EXPECT_EQ(without.size(), 4u);
  for (const auto& r : with_crash) {
    EXPECT_EQ(r.on, faults::target_type::subscription);
    if (r.kind == faults::fault_kind::reorder) {
      EXPECT_EQ(r.window, 3);
      EXPECT_FALSE(r.allow_same_key);  // per-key ordering
    }
  }
}

TEST(Contract, DefaultsForAMinimalContract) {
  auto c = parse_contract(R"({"name": "n", "consumes": [{"topic": "a.b.c.v1"}],
                              "consumer": {"deliver_url": "http://x/e", "state_url": "http://x/s"}})",
                          "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->consumes[0].group, "n");  // the group defaults to the contract name
  EXPECT_EQ(c->order, ordering::per_key);
  EXPECT_EQ(c->max_attempts, 5);
  EXPECT_TRUE(c->faults.empty());
}

struct bad_case {
  const char* text;
  const char* pointer;
};

TEST(Contract, MistakesNameTheFileAndThePointer) {
  const std::string ok_consumer = R"("consumer": {"deliver_url": "http://x/e", "state_url": "http://x/s"})";
  const std::vector<bad_case> cases = {
      {"[1]", ""},
      {"{", ""},
      {R"({"consumes": [{"topic": "a.b.c.v1"}], "consumer": {"deliver_url": "http://x/e", "state_url": "http://x/s"}})", ""},
      {R"({"name": 3})", "/name"},
      {R"({"name": "n", "consumes": []})", "/consumes"},
      {R"({"name": "n", "consumes": [{"topic": "a", "queue": "b"}]})", "/consumes/0"},
      {R"({"name": "n", "consumes": [{"queue": "q", "group": "g"}]})", "/consumes/0/group"},
      {R"({"name": "n", "consumes": [{"topic": "bad name!"}]})", "/consumes/0/topic"},
      {R"({"name": "n", "consumer": {"deliver_url": "ftp://x"}})", "/consumer/deliver_url"},
      {R"({"name": "n", "consumer": {"state_url": "http://x/s"}})", "/consumer"},
      {R"({"name": "n", "faults": {"duplicate": 1.5}})", "/faults/duplicate"},
      {R"({"name": "n", "faults": {"duplicat": 0.1}})", "/faults/duplicat"},
      {R"({"name": "n", "ordering": "random"})", "/ordering"},
      {R"({"name": "n", "delivery": {"max_attempts": 0}})", "/delivery/max_attempts"},
      {R"({"name": "n", "state": {"ignore": ["updated_at"]}})", "/state/ignore/0"},
      {R"({"name": "n", "produces": ["NotAType"]})", "/produces/0"},
      {R"({"name": "n", "runs": -1})", "/runs"},
      {R"({"name": "n", "seed": "one"})", "/seed"},
      {R"({"name": "n", "fixture": []})", "/fixture"},
  };
  for (const auto& bc : cases) {
    auto c = parse_contract(bc.text, "contracts/consumers/x.json");
    ASSERT_FALSE(c) << bc.text;
    EXPECT_EQ(c.error().code, core::errc::invalid_argument);
    EXPECT_EQ(c.error().detail("pointer"), bc.pointer) << bc.text << " -> " << c.error().message;
    EXPECT_TRUE(c.error().message.starts_with("contracts/consumers/x.json: ")) << c.error().message;
  }
}

TEST(Contract, DescriptionAndExtensionFieldsAreAllowed) {
  auto c = parse_contract(R"({"name": "n", "description": "d", "x-team": "ledger", "consumes": [{"topic": "a.b.c.v1"}],
                              "consumer": {"deliver_url": "http://x/e", "state_url": "http://x/s"}})",
                          "");
  EXPECT_TRUE(c) << c.error().message;
}

TEST(Contract, AMissingFileIsNotFound) {
  auto c = load_contract("/nonexistent/contract.json");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::errc::not_found);
  EXPECT_NE(c.error().message.find("/nonexistent/contract.json"), std::string::npos);
}

}  // namespace
}  // namespace eventfabric::harness
